import OmniKernelsC

/// A row-major weight matrix [rows (out), cols (in)] in its storage dtype, not owned
/// (points into an mmap'd file or a buffer kept alive elsewhere), like `nn.Linear.weight`.
public struct WeightMatrix: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    public let dtype: DType
    public let base: UnsafeRawPointer

    /// Wraps memory laid out as [rows, cols] elements of `dtype`; the caller keeps it alive and valid.
    public init(rows: Int, cols: Int, dtype: DType, base: UnsafeRawPointer) {
        precondition(rows >= 0 && cols >= 0, "WeightMatrix shape must not be negative")
        self.rows = rows
        self.cols = cols
        self.dtype = dtype
        self.base = base
    }

    /// Wraps a buffer after checking that its size matches the shape and dtype (for data read from files).
    public init(rows: Int, cols: Int, dtype: DType, buffer: UnsafeRawBufferPointer) throws(KernelError) {
        guard rows >= 0, cols >= 0 else { throw KernelError.invalidShape(rows: rows, cols: cols) }
        let (elements, overflow1) = rows.multipliedReportingOverflow(by: cols)
        let (expected, overflow2) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow1, !overflow2, expected == buffer.count else {
            throw KernelError.sizeMismatch(expectedBytes: overflow1 || overflow2 ? Int.max : expected, actualBytes: buffer.count)
        }
        // An empty buffer may have no base address; any non-null pointer serves for zero elements.
        let base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1 << 12)!
        self.init(rows: rows, cols: cols, dtype: dtype, base: base)
    }

    /// Bytes the matrix occupies.
    public var byteCount: Int { rows * cols * dtype.byteSize }

    var c: omk_matrix { omk_matrix(base: base, rows: Int64(rows), cols: Int64(cols), dtype: dtype.c) }
}
