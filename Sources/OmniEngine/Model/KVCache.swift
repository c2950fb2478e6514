import Foundation

/// The key/value cache of one request on one shard: for each of the shard's layers, keys and
/// values for up to `capacity` positions, f32. Memory is fixed at creation:
/// `layers * 2 * capacity * kvHeads * headDim * 4` bytes.
public final class KVCache: @unchecked Sendable {
    public let layerCount: Int
    public let capacity: Int
    public let kvDim: Int
    /// Number of positions already stored (the next token's position).
    public private(set) var length: Int = 0
    private var keys: [UnsafeMutablePointer<Float>]
    private var values: [UnsafeMutablePointer<Float>]

    public init(layers: Int, capacity: Int, kvDim: Int) {
        self.layerCount = layers
        self.capacity = capacity
        self.kvDim = kvDim
        keys = (0..<layers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(1, capacity * kvDim)) }
        values = (0..<layers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(1, capacity * kvDim)) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// Bytes held by this cache.
    public var byteCount: Int { layerCount * 2 * capacity * kvDim * MemoryLayout<Float>.size }

    /// Bytes a cache of these dimensions would hold.
    public static func byteCount(layers: Int, capacity: Int, kvDim: Int) -> Int {
        layers * 2 * capacity * kvDim * MemoryLayout<Float>.size
    }

    func keys(layer: Int) -> UnsafeMutablePointer<Float> { keys[layer] }
    func values(layer: Int) -> UnsafeMutablePointer<Float> { values[layer] }

    /// Marks `count` more positions as stored, after every layer has written them.
    func advance(by count: Int) { length += count }

    /// Forgets everything after `position` (e.g. to re-run from a shared prefix).
    public func truncate(to position: Int) { length = min(length, max(0, position)) }
}
