import OmniKernels

/// The element type hidden states travel in.
///
/// `.f32` is exact. `.f16` and `.bf16` halve the bytes on the wire and are lossy: values are
/// rounded to nearest-even (`Kernels.fromFloat`), f16 overflows to ±infinity beyond ±65504 and
/// flushes magnitudes below 2^-25 to zero, bf16 keeps f32's range with 8 significant bits, and
/// every NaN becomes the canonical quiet NaN. The receiver always gets `[Float]` back.
public enum WireDType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 1
    case f16 = 2
    case bf16 = 3

    /// Bytes per element on the wire.
    public var byteSize: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        }
    }

    /// The kernels' dtype with the same layout.
    var kernelDType: DType {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        }
    }

    public var description: String {
        switch self {
        case .f32: "f32"
        case .f16: "f16"
        case .bf16: "bf16"
        }
    }
}
