/// Colors for plots: strategies by position, span kinds by name.
enum SVGPalette {
    /// Ten distinguishable colors (strategies cycle through them in the order given).
    static let series = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                         "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#7f7f7f"]

    /// Span kinds with a fixed color and legend position.
    static let knownKinds: [(kind: String, color: String)] = [
        ("compute", "#4e79a7"), ("send", "#f28e2b"), ("receive", "#59a14f"),
        ("queue_wait", "#bab0ac"), ("fault", "#e15759"),
    ]

    /// Colors for kinds outside `knownKinds`, given out in sorted-name order.
    static let extraKinds = ["#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#17becf"]

    static func series(_ index: Int) -> String { series[index % series.count] }

    /// Legend order and color of each kind in `kinds`: known kinds first, then the others sorted.
    static func kindColors(_ kinds: Set<String>) -> [(kind: String, color: String)] {
        var out = knownKinds.filter { kinds.contains($0.kind) }
        let known = Set(knownKinds.map(\.kind))
        for (i, kind) in kinds.subtracting(known).sorted().enumerated() {
            out.append((kind, extraKinds[i % extraKinds.count]))
        }
        return out
    }

    /// Dark or white text, whichever reads better on the `#rrggbb` fill.
    static func textColor(on fill: String) -> String {
        let hex = Array(fill.utf8.dropFirst())
        guard hex.count == 6 else { return "#ffffff" }
        func channel(_ i: Int) -> Double {
            Double(UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) ?? 0) / 255
        }
        let luminance = 0.299 * channel(0) + 0.587 * channel(2) + 0.114 * channel(4)
        return luminance > 0.6 ? "#222222" : "#ffffff"
    }
}
