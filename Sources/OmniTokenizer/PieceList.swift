/// The pieces a text segment is cut into during pre-tokenization: one byte buffer (valid
/// UTF-8) and the byte ranges of the pieces in order. Stages that only cut reuse the buffer;
/// stages that rewrite bytes build a new one.
struct PieceList {
    var bytes: [UInt8]
    var starts: [Int]
    var ends: [Int]
    /// Whether the first piece starts at offset 0 of the original input text (Metaspace's
    /// `prepend_scheme: first` only prepends there).
    var firstPieceAtTextStart: Bool

    init(bytes: [UInt8], atTextStart: Bool) {
        self.bytes = bytes
        // An empty text is still one (empty) piece: pre-tokenizers such as Metaspace may
        // add to it, as in tokenizers.
        self.starts = [0]
        self.ends = [bytes.count]
        self.firstPieceAtTextStart = atTextStart
    }

    init(bytes: [UInt8], starts: [Int], ends: [Int], firstPieceAtTextStart: Bool) {
        self.bytes = bytes
        self.starts = starts
        self.ends = ends
        self.firstPieceAtTextStart = firstPieceAtTextStart
    }

    var count: Int { starts.count }

    /// The bytes of piece `index`.
    func piece(_ index: Int) -> ArraySlice<UInt8> {
        bytes[starts[index]..<ends[index]]
    }
}

/// How a `Split` pre-tokenizer treats the matches of its pattern (tokenizers'
/// `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    /// Turns a tiling of `[0, length)` into alternating match / non-match spans, then into the
    /// pieces this behaviour keeps (absolute offsets, empty pieces dropped).
    func apply(spans: [(start: Int, end: Int, isMatch: Bool)], invert: Bool,
               into starts: inout [Int], _ ends: inout [Int]) {
        var pieces: [(start: Int, end: Int)] = []
        pieces.reserveCapacity(spans.count)
        switch self {
        case .isolated:
            pieces = spans.map { ($0.start, $0.end) }
        case .removed:
            pieces = spans.filter { $0.isMatch == invert }.map { ($0.start, $0.end) }
        case .contiguous:
            var previousMatch = false
            for span in spans {
                let isMatch = span.isMatch != invert
                if isMatch == previousMatch, !pieces.isEmpty {
                    pieces[pieces.count - 1].end = span.end
                } else {
                    pieces.append((span.start, span.end))
                }
                previousMatch = isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for span in spans {
                let isMatch = span.isMatch != invert
                if isMatch, !previousMatch, !pieces.isEmpty {
                    pieces[pieces.count - 1].end = span.end
                } else {
                    pieces.append((span.start, span.end))
                }
                previousMatch = isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            var reversed: [(start: Int, end: Int)] = []
            for span in spans.reversed() {
                let isMatch = span.isMatch != invert
                if isMatch, !previousMatch, !reversed.isEmpty {
                    reversed[reversed.count - 1].start = span.start
                } else {
                    reversed.append((span.start, span.end))
                }
                previousMatch = isMatch
            }
            pieces = reversed.reversed()
        }
        for piece in pieces where piece.end > piece.start {
            starts.append(piece.start)
            ends.append(piece.end)
        }
    }
}
