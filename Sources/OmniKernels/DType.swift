import OmniKernelsC

/// The storage dtype of a tensor, spelled as in safetensors headers.
public enum DType: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        }
    }

    /// Parses a safetensors dtype string ("F32", "F16", "BF16").
    public init(safetensorsName name: String) throws(KernelError) {
        guard let dtype = DType(rawValue: name) else { throw KernelError.unsupportedDType(name) }
        self = dtype
    }

    var c: omk_dtype {
        switch self {
        case .f32: OMK_F32
        case .f16: OMK_F16
        case .bf16: OMK_BF16
        }
    }
}
