import Foundation
import OmniEngine

/// The simulator's agenda: events ordered by virtual time (integer nanoseconds), ties broken by
/// the order in which they were scheduled, so a run is fully determined by its inputs.
struct EventQueue<Payload> {
    private struct Entry {
        var time: UInt64
        var sequence: UInt64
        var payload: Payload
        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }
    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// Time of the earliest event.
    var nextTime: UInt64? { heap.first?.time }

    mutating func schedule(_ payload: Payload, at time: UInt64) {
        heap.append(Entry(time: time, sequence: nextSequence, payload: payload))
        nextSequence += 1
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (time: UInt64, payload: Payload)? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < heap.count && heap[l].precedes(heap[best]) { best = l }
                if r < heap.count && heap[r].precedes(heap[best]) { best = r }
                if best == i { break }
                heap.swapAt(i, best)
                i = best
            }
        }
        return (top.time, top.payload)
    }
}

/// A seeded random stream per simulated component (links, workload, faults), so adding draws in
/// one component never changes another's.
struct ComponentRandom {
    private var stream: RandomStream
    init(seed: UInt64, component: String) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in component.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        stream = RandomStream(seed: seed ^ h)
    }
    mutating func unit() -> Double { stream.nextUnit() }
    mutating func next() -> UInt64 { stream.next() }
    /// Exponential with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -mean * log(max(1e-300, 1 - unit()))
    }
}
