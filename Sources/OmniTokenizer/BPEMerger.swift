/// Turns one pre-tokenized piece into ids with a `BPEModel`. Holds reusable buffers and a
/// per-piece cache, so one merger serves one encode call (it is not shared between threads).
struct BPEMerger {
    let model: BPEModel
    private var cache: [ByteString: [Int32]] = [:]
    private var symbols: [Int32] = []
    private var heap: [UInt64] = []
    private var next: [Int32] = []
    private var previous: [Int32] = []
    /// Whether the last initial symbol was the unknown token (for `fuse_unk`).
    private var lastWasUnknown = false

    /// Pieces longer than this are not cached (they rarely repeat).
    private static let maximumCachedLength = 256

    init(model: BPEModel) {
        self.model = model
    }

    /// Appends the ids of `piece` (raw UTF-8 bytes) to `output`.
    mutating func encode(_ piece: ArraySlice<UInt8>, into output: inout [Int]) {
        if piece.isEmpty { return }
        let key = piece.count <= Self.maximumCachedLength ? ByteString(piece) : nil
        if let key, let cached = cache[key] {
            for id in cached { output.append(Int(id)) }
            return
        }
        let ids = merge(piece)
        for id in ids { output.append(Int(id)) }
        if let key { cache[key] = ids }
    }

    private mutating func merge(_ piece: ArraySlice<UInt8>) -> [Int32] {
        if model.ignoreMerges, let whole = model.idForPieceBytes[ByteString(piece)] { return [whole] }
        symbols.removeAll(keepingCapacity: true)
        if model.byteLevel {
            lastWasUnknown = false
            for byte in piece {
                let id = model.idForByte[Int(byte)]
                if id >= 0 {
                    symbols.append(id)
                    lastWasUnknown = false
                } else if let unknown = model.unknownId {
                    appendUnknown(unknown)
                }
            }
        } else {
            initialCharacterSymbols(piece)
        }
        if symbols.count < 2 { return symbols }
        if symbols.count <= 24 { return mergeSmall() }
        return mergeWithHeap()
    }

    private mutating func appendUnknown(_ unknown: Int32) {
        if model.fuseUnknown, lastWasUnknown { return }
        symbols.append(unknown)
        lastWasUnknown = true
    }

    /// One symbol per character; unknown characters fall back to `<0xXX>` byte tokens or to
    /// the unknown token (fused when `fuse_unk`), or are dropped when neither exists.
    private mutating func initialCharacterSymbols(_ piece: ArraySlice<UInt8>) {
        lastWasUnknown = false
        piece.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let scalar = decodeScalar(buffer, at: offset)
                defer { offset += scalar.length }
                if let id = model.idForScalar[scalar.value] {
                    symbols.append(id)
                    lastWasUnknown = false
                    continue
                }
                if model.byteFallback {
                    let bytes = buffer[offset..<offset + scalar.length]
                    if bytes.allSatisfy({ model.byteFallbackIds[Int($0)] >= 0 }) {
                        for byte in bytes { symbols.append(model.byteFallbackIds[Int(byte)]) }
                        lastWasUnknown = false
                        continue
                    }
                }
                if let unknown = model.unknownId { appendUnknown(unknown) }
            }
        }
    }

    /// Repeatedly merges the leftmost lowest-ranked pair; quadratic, fast for short pieces.
    private mutating func mergeSmall() -> [Int32] {
        while symbols.count > 1 {
            var bestRank = Int32.max
            var bestIndex = -1
            var bestMerged: Int32 = 0
            for index in 0..<(symbols.count - 1) {
                if let found = model.merges.lookup(symbols[index], symbols[index + 1]), found.rank < bestRank {
                    bestRank = found.rank
                    bestIndex = index
                    bestMerged = found.merged
                }
            }
            if bestIndex < 0 { break }
            symbols[bestIndex] = bestMerged
            symbols.remove(at: bestIndex + 1)
        }
        return symbols
    }

    /// The same merge order with a min-heap of (rank, position) and a linked list of symbols.
    private mutating func mergeWithHeap() -> [Int32] {
        let count = symbols.count
        next = (0..<count).map { Int32($0 + 1) }
        next[count - 1] = -1
        previous = (0..<count).map { Int32($0 - 1) }
        heap.removeAll(keepingCapacity: true)
        for index in 0..<(count - 1) {
            if let found = model.merges.lookup(symbols[index], symbols[index + 1]) {
                push(rank: found.rank, position: index)
            }
        }
        var alive = [Bool](repeating: true, count: count)
        while let top = pop() {
            let rank = Int32(truncatingIfNeeded: top >> 32)
            let position = Int(UInt32(truncatingIfNeeded: top))
            guard alive[position] else { continue }
            let right = Int(next[position])
            guard right >= 0, let found = model.merges.lookup(symbols[position], symbols[right]),
                  found.rank == rank else { continue }
            symbols[position] = found.merged
            alive[right] = false
            let afterRight = next[right]
            next[position] = afterRight
            if afterRight >= 0 { previous[Int(afterRight)] = Int32(position) }
            let left = Int(previous[position])
            if left >= 0, let leftPair = model.merges.lookup(symbols[left], symbols[position]) {
                push(rank: leftPair.rank, position: left)
            }
            if afterRight >= 0, let rightPair = model.merges.lookup(symbols[position], symbols[Int(afterRight)]) {
                push(rank: rightPair.rank, position: position)
            }
        }
        var result: [Int32] = []
        var index = 0
        while index >= 0 {
            result.append(symbols[index])
            index = Int(next[index])
        }
        return result
    }

    private mutating func push(rank: Int32, position: Int) {
        heap.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(position))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent] <= heap[child] { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func pop() -> UInt64? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= heap.count { break }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1] < heap[left] { smallest = left + 1 }
            if heap[parent] <= heap[smallest] { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
