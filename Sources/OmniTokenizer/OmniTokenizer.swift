// OmniTokenizer module.
