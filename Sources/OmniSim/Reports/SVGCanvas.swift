/// A small builder for self-contained SVG documents: no scripts, no external fonts or
/// images, text escaped, coordinates written with at most 2 decimals.
struct SVGCanvas {
    let width: Double
    let height: Double
    private var body: [String] = []

    /// Font stack for all text; generic `sans-serif` last, so nothing is fetched.
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Rough width of `text` at `size` px, for layout (no font metrics are available).
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.62
    }

    /// `text` cut to `maxWidth` px (estimated), ending in "…" when cut.
    static func truncate(_ text: String, size: Double, maxWidth: Double) -> String {
        let maxChars = max(1, Int(maxWidth / (size * 0.62)))
        guard text.count > maxChars else { return text }
        return String(text.prefix(max(0, maxChars - 1))) + "…"
    }

    static func num(_ v: Double) -> String {
        var s = NumberFormat.fixed(v.isFinite ? v : 0, digits: 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// Escapes XML special characters in text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters; show them as spaces.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" {
                    out += " "
                } else if scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func titleElement(_ title: String?) -> String {
        guard let title else { return "" }
        return "<title>\(escape(title))</title>"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       stroke: String? = nil, opacity: Double? = nil, title: String? = nil) {
        var attrs = "x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(max(0, width)))\" height=\"\(Self.num(max(0, height)))\" fill=\"\(fill)\""
        if let stroke { attrs += " stroke=\"\(stroke)\"" }
        if let opacity { attrs += " fill-opacity=\"\(Self.num(opacity))\"" }
        if let title {
            body.append("<rect \(attrs)>\(Self.titleElement(title))</rect>")
        } else {
            body.append("<rect \(attrs)/>")
        }
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        var attrs = "x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\""
        if let dash { attrs += " stroke-dasharray=\"\(dash)\"" }
        body.append("<line \(attrs)/>")
    }

    /// An unfilled path from points (M then L commands).
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2,
                           dash: String? = nil, title: String? = nil) {
        guard let first = points.first else { return }
        var d = "M\(Self.num(first.0)) \(Self.num(first.1))"
        for p in points.dropFirst() { d += " L\(Self.num(p.0)) \(Self.num(p.1))" }
        var attrs = "d=\"\(d)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.num(width))\" stroke-linejoin=\"round\""
        if let dash { attrs += " stroke-dasharray=\"\(dash)\"" }
        if let title {
            body.append("<path \(attrs)>\(Self.titleElement(title))</path>")
        } else {
            body.append("<path \(attrs)/>")
        }
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ string: String, x: Double, y: Double, size: Double = 12,
                       anchor: Anchor = .start, fill: String = "#222222", bold: Bool = false,
                       italic: Bool = false, rotate: Double? = nil, title: String? = nil) {
        var attrs = "x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" font-size=\"\(Self.num(size))\" fill=\"\(fill)\""
        if anchor != .start { attrs += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { attrs += " font-weight=\"bold\"" }
        if italic { attrs += " font-style=\"italic\"" }
        if let rotate { attrs += " transform=\"rotate(\(Self.num(rotate)) \(Self.num(x)) \(Self.num(y)))\"" }
        body.append("<text \(attrs)>\(Self.titleElement(title))\(Self.escape(string))</text>")
    }

    /// Opens a group; `title` becomes its tooltip.
    mutating func beginGroup(title: String? = nil) {
        body.append("<g>\(Self.titleElement(title))")
    }

    mutating func endGroup() {
        body.append("</g>")
    }

    /// The document text, white background first.
    func rendered() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" viewBox=\"0 0 \(Self.num(width)) \(Self.num(height))\" font-family=\"\(Self.fontFamily)\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Self.num(width))\" height=\"\(Self.num(height))\" fill=\"#ffffff\"/>\n"
        for element in body {
            out += element
            out += "\n"
        }
        out += "</svg>\n"
        return out
    }
}
