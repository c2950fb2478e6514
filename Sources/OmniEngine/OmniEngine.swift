// OmniEngine module.
