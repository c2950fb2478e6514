// OmniSim module.
