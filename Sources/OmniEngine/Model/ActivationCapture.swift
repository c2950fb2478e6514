import Foundation

/// Which hidden states to capture: the residual stream entering the given layers (layer
/// `numLayers` means the final hidden state before the last norm), for the given requests and
/// positions, up to a size cap.
///
/// Text form (`--capture-activations`): `layers=0,4-6;positions=0-31;requests=0,2;max=64MB`.
/// Every part but `layers` is optional.
public struct ActivationCaptureSpec: Sendable, Equatable {
    public var layers: Set<Int>
    /// nil captures every position.
    public var positions: ClosedRange<Int>?
    /// nil captures every request (by index in the run).
    public var requests: Set<Int>?
    public var maxBytes: Int

    public init(layers: Set<Int>, positions: ClosedRange<Int>? = nil, requests: Set<Int>? = nil, maxBytes: Int = 64 << 20) {
        self.layers = layers
        self.positions = positions
        self.requests = requests
        self.maxBytes = maxBytes
    }

    public static func parse(_ text: String) throws -> ActivationCaptureSpec {
        func bad(_ m: String) -> EngineError { .wrongInput("--capture-activations \"\(text)\": \(m)") }
        func numbers(_ s: String, _ what: String) throws -> Set<Int> {
            var out: Set<Int> = []
            for part in s.split(separator: ",") {
                let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !bounds.isEmpty, bounds.allSatisfy({ $0 != nil && $0! >= 0 }) else { throw bad("\(what) expects numbers or ranges like 0,2-5, got \"\(part)\"") }
                let lo = bounds[0]!, hi = bounds.count == 2 ? bounds[1]! : lo
                guard lo <= hi, hi - lo < 1_000_000 else { throw bad("\(what) range \(lo)-\(hi) is invalid") }
                out.formUnion(lo...hi)
            }
            return out
        }
        var layers: Set<Int>? = nil
        var spec = ActivationCaptureSpec(layers: [])
        for item in text.split(separator: ";") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { throw bad("expected key=value, got \"\(item)\"") }
            switch kv[0] {
            case "layers": layers = try numbers(kv[1], "layers")
            case "requests": spec.requests = try numbers(kv[1], "requests")
            case "positions":
                let p = try numbers(kv[1], "positions")
                guard let lo = p.min(), let hi = p.max(), p.count == hi - lo + 1 else { throw bad("positions must be one range like 0-31") }
                spec.positions = lo...hi
            case "max":
                let units: [String: Int] = ["": 1, "b": 1, "kb": 1000, "mb": 1_000_000, "gb": 1_000_000_000, "kib": 1024, "mib": 1 << 20, "gib": 1 << 30]
                let digits = kv[1].prefix { $0.isNumber }
                guard let n = Int(digits), let m = units[kv[1].dropFirst(digits.count).lowercased()] else {
                    throw bad("max expects a size like 64MB, got \"\(kv[1])\"")
                }
                spec.maxBytes = n * m
            default:
                throw bad("unknown key \"\(kv[0])\" (layers, positions, requests, max)")
            }
        }
        guard let layers, !layers.isEmpty else { throw bad("layers=… is required") }
        spec.layers = layers
        return spec
    }
}

/// Hidden states captured for one request at one layer, rows in position order.
public struct CapturedActivation: Sendable, Equatable {
    public var request: Int
    public var layer: Int
    public var width: Int
    public var positions: [Int]
    public var values: [Float]
}

/// Collects activations as forward passes run, within the spec's size cap.
public final class ActivationRecorder: @unchecked Sendable {
    public let spec: ActivationCaptureSpec
    private let lock = NSLock()
    private var store: [Int: [Int: CapturedActivation]] = [:]
    private var bytes = 0
    /// Set when the cap stopped the capture; the warning names how much was kept.
    public private(set) var truncated = false

    public init(spec: ActivationCaptureSpec) { self.spec = spec }

    /// An observer for one request, to pass to `TransformerShard.forward`.
    public func observer(request: Int) -> TransformerShard.Observer? {
        if let r = spec.requests, !r.contains(request) { return nil }
        return { [self] layer, start, rows, width, values in
            record(request: request, layer: layer, start: start, rows: rows, width: width, values: values)
        }
    }

    func record(request: Int, layer: Int, start: Int, rows: Int, width: Int, values: UnsafeBufferPointer<Float>) {
        guard spec.layers.contains(layer) else { return }
        lock.lock(); defer { lock.unlock() }
        var entry = store[request]?[layer] ?? CapturedActivation(request: request, layer: layer, width: width, positions: [], values: [])
        for row in 0..<rows {
            let position = start + row
            if let p = spec.positions, !p.contains(position) { continue }
            guard bytes + width * 4 <= spec.maxBytes else { truncated = true; break }
            entry.positions.append(position)
            entry.values.append(contentsOf: values[(row * width)..<((row + 1) * width)])
            bytes += width * 4
        }
        store[request, default: [:]][layer] = entry
    }

    /// Everything captured, sorted by request then layer.
    public var activations: [CapturedActivation] {
        lock.lock(); defer { lock.unlock() }
        return store.keys.sorted().flatMap { r in store[r]!.keys.sorted().map { store[r]![$0]! } }.filter { !$0.positions.isEmpty }
    }

    public var capturedBytes: Int { lock.lock(); defer { lock.unlock() }; return bytes }

    /// Removes and returns what was captured for one request (written out when it ends).
    public func take(request: Int) -> [CapturedActivation] {
        lock.lock(); defer { lock.unlock() }
        guard let layers = store.removeValue(forKey: request) else { return [] }
        return layers.keys.sorted().compactMap { layers[$0] }.filter { !$0.positions.isEmpty }
    }
}
