/// Watches streamed text for stop strings. Text that could still turn out to be the start of a
/// stop string is held back, so a client never sees part of a stop string.
public struct StopStringMatcher: Sendable {
    public let stops: [String]
    private var pending = ""

    public init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// Result of feeding more text.
    public enum Outcome: Equatable, Sendable {
        /// Text safe to emit now.
        case emit(String)
        /// A stop string was found: emit this text (what came before it) and finish.
        case stopped(String)
    }

    public mutating func feed(_ text: String) -> Outcome {
        guard !stops.isEmpty else { return .emit(text) }
        pending += text
        var earliest: String.Index? = nil
        for stop in stops {
            if let r = pending.range(of: stop), earliest.map({ r.lowerBound < $0 }) ?? true {
                earliest = r.lowerBound
            }
        }
        if let earliest {
            let before = String(pending[..<earliest])
            pending = ""
            return .stopped(before)
        }
        // Hold back the longest suffix that is a proper prefix of some stop string.
        var hold = 0
        for stop in stops {
            var k = min(stop.count - 1, pending.count)
            while k > hold {
                if pending.hasSuffix(stop.prefix(k)) { hold = k; break }
                k -= 1
            }
        }
        let cut = pending.index(pending.endIndex, offsetBy: -hold)
        let ready = String(pending[..<cut])
        pending = String(pending[cut...])
        return .emit(ready)
    }

    /// Text still held back when generation ends for another reason.
    public mutating func flush() -> String {
        defer { pending = "" }
        return pending
    }
}
