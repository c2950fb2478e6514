import Foundation

/// Deterministic number formatting for every report output.
///
/// Fixed-point text never depends on the locale; `-0` becomes `0`; non-finite values are
/// the caller's `missing` text (JSON writers pass `null`).
public enum NumberFormat {
    /// `value` with exactly `digits` decimals ("%.{digits}f" in the POSIX locale).
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let d = max(0, min(digits, 17))
        var text = String(format: "%.\(d)f", locale: nil, value)
        if text.hasPrefix("-"), !text.contains(where: { $0 >= "1" && $0 <= "9" }) {
            text.removeFirst()
        }
        return text
    }

    /// `value` with `digits` decimals, or `missing` when it is nil or not finite.
    public static func fixed(_ value: Double?, digits: Int, missing: String) -> String {
        guard let value, value.isFinite else { return missing }
        return fixed(value, digits: digits)
    }

    /// A short label for an axis tick: `digits` decimals, trailing zeros kept (ticks share a step).
    static func tick(_ value: Double, step: Double) -> String {
        let digits = step >= 1 ? 0 : Int((-log10(step) - 1e-9).rounded(.up))
        return fixed(value, digits: min(digits, 9))
    }

    /// Bytes as GiB with one decimal, e.g. "12.5 GiB".
    public static func gibibytes(_ bytes: Int) -> String {
        fixed(Double(bytes) / 1_073_741_824, digits: 1) + " GiB"
    }
}
