import Foundation
import OmniKernels

/// Where one tensor lives inside a safetensors file.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    /// The dtype name as written in the file (e.g. "BF16", "I64").
    public var storedDType: String
    /// The dtype when OMNI's kernels support it (F32, F16, BF16), nil otherwise.
    public var dtype: DType?
    public var shape: [Int]
    /// Absolute byte offset of the tensor's data in its file.
    public var offset: Int
    public var byteCount: Int
    public var elementCount: Int { shape.reduce(1, *) }
}

/// The parsed header of a `.safetensors` file: an 8-byte little-endian length, a JSON table of
/// tensors, then the raw data. Every field is validated against the file size so a corrupt or
/// truncated file yields a `CheckpointError`, never an out-of-bounds read.
public struct SafeTensorsHeader: Sendable {
    /// Largest header accepted (the format's reference implementation uses 100 MB).
    public static let maxHeaderBytes = 100_000_000

    public var tensors: [String: TensorInfo]
    public var metadata: [String: String]
    /// Tensor names in file order (sorted by offset), for deterministic iteration.
    public var orderedNames: [String]

    /// Parses the header from the first bytes of a file of `fileSize` bytes.
    /// `prefix` must hold at least the 8-byte length and the JSON header (it may hold more).
    public static func parse(prefix: UnsafeRawBufferPointer, fileSize: Int, file: String) throws -> SafeTensorsHeader {
        guard fileSize >= 8, prefix.count >= 8 else {
            throw CheckpointError.truncated(file: file, reason: "\(fileSize) bytes, too short for the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(prefix[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(maxHeaderBytes) else {
            throw CheckpointError.corruptHeader(file: file, reason: "header length \(headerLength) exceeds \(maxHeaderBytes) bytes")
        }
        let n = Int(headerLength)
        guard 8 + n <= fileSize, 8 + n <= prefix.count else {
            throw CheckpointError.truncated(file: file, reason: "header claims \(n) bytes but the file has \(fileSize - 8) after the length")
        }
        let data = Data(bytes: prefix.baseAddress! + 8, count: n)
        let root: JSONValue
        do {
            root = try JSONValue.parse(data, file: file)
        } catch {
            throw CheckpointError.corruptHeader(file: file, reason: "header is not valid JSON")
        }
        guard let table = root.objectValue else {
            throw CheckpointError.corruptHeader(file: file, reason: "header is not a JSON object")
        }
        let dataStart = 8 + n
        let dataSize = fileSize - dataStart
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in table {
            if name == "__metadata__" {
                guard let meta = entry.objectValue else {
                    throw CheckpointError.corruptHeader(file: file, reason: "__metadata__ is not an object")
                }
                for (k, v) in meta {
                    guard let s = v.stringValue else {
                        throw CheckpointError.corruptHeader(file: file, reason: "__metadata__.\(k) is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            tensors[name] = try parseEntry(name: name, entry: entry, dataStart: dataStart, dataSize: dataSize, file: file)
        }
        let ordered = tensors.values.sorted { ($0.offset, $0.name) < ($1.offset, $1.name) }
        var end = dataStart
        for t in ordered where t.byteCount > 0 {
            guard t.offset >= end else {
                throw CheckpointError.corruptHeader(file: file, reason: "tensor '\(t.name)' overlaps the tensor before it")
            }
            end = t.offset + t.byteCount
        }
        return SafeTensorsHeader(tensors: tensors, metadata: metadata, orderedNames: ordered.map(\.name))
    }

    private static func parseEntry(name: String, entry: JSONValue, dataStart: Int, dataSize: Int, file: String) throws -> TensorInfo {
        guard let fields = entry.objectValue else {
            throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' is not an object")
        }
        guard let dtypeName = fields["dtype"]?.stringValue else {
            throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' has no string dtype")
        }
        guard let shapeList = fields["shape"]?.arrayValue else {
            throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' has no shape list")
        }
        var shape: [Int] = []
        var elements = 1
        for dim in shapeList {
            guard let d = dim.intValue, d >= 0 else {
                throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' has an invalid dimension \(dim.brief)")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow, product <= (1 << 48) else {
                throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' shape \(shapeList.map(\.brief)) is too large")
            }
            elements = product
            shape.append(d)
        }
        guard let offsets = fields["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue else {
            throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' needs data_offsets [begin, end]")
        }
        guard begin >= 0, end >= begin else {
            throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' has data_offsets [\(begin), \(end)]")
        }
        guard end <= dataSize else {
            throw CheckpointError.truncated(file: file, reason: "tensor '\(name)' ends at byte \(end) of the data section but it holds \(dataSize) bytes")
        }
        guard let elementSize = elementSizes[dtypeName] else {
            throw CheckpointError.corruptHeader(file: file, reason: "entry '\(name)' has unknown dtype '\(dtypeName)'")
        }
        guard elements * elementSize == end - begin else {
            throw CheckpointError.corruptHeader(file: file, reason: "tensor '\(name)' shape \(shape) in \(dtypeName) needs \(elements * elementSize) bytes, data_offsets give \(end - begin)")
        }
        // Unsupported dtypes stay in the table so an error names them only if the tensor is used.
        return TensorInfo(name: name, storedDType: dtypeName, dtype: DType(rawValue: dtypeName), shape: shape,
                          offset: dataStart + begin, byteCount: end - begin)
    }

    /// Element sizes of every dtype the safetensors format defines.
    static let elementSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4,
        "I64": 8, "U64": 8, "F64": 8,
    ]
}
