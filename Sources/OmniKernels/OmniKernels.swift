// OmniKernels module.
