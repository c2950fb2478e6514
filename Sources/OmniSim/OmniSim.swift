// OmniSim
