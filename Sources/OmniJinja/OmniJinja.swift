// OmniJinja module.
