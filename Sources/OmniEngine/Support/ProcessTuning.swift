import OmniKernelsC

/// Process-wide settings for long-running inference processes.
public enum ProcessTuning {
    /// Keeps freed large buffers (logits, hidden states) in the heap instead of returning them
    /// to the kernel after every token: glibc otherwise maps and zeroes fresh pages for each
    /// allocation above its mmap threshold, which showed up as ~5% of decode time.
    public static func keepLargeAllocations() {
        omk_keep_large_allocations()
    }
}
