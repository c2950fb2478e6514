import Foundation

/// An axis range widened to round numbers, with ticks on a 1-2-5 step
/// (1, 2, 5, 10, 20, 50, ... times a power of ten).
struct NiceScale: Equatable {
    var lower: Double
    var upper: Double
    var step: Double

    /// The smallest 1-2-5 step that covers [minValue, maxValue] in at most `maxIntervals`
    /// intervals, with the bounds rounded out to multiples of the step. An empty or
    /// degenerate range becomes [0, 1] or a range around the single value.
    init(minValue: Double, maxValue: Double, maxIntervals: Int = 5) {
        var lo = minValue.isFinite ? minValue : 0
        var hi = maxValue.isFinite ? maxValue : 1
        if hi < lo { swap(&lo, &hi) }
        if hi == lo {
            if hi == 0 { hi = 1 } else if lo > 0 { lo = 0 } else { hi = 0 }
        }
        let intervals = Double(max(1, maxIntervals))
        let raw = (hi - lo) / intervals
        let exponent = (log10(raw)).rounded(.down)
        var chosen = pow(10, exponent + 2)
        search: for e in [exponent - 1, exponent, exponent + 1, exponent + 2] {
            for m in [1.0, 2.0, 5.0] {
                let step = m * pow(10, e)
                let n = ((hi / step) - 1e-9).rounded(.up) - ((lo / step) + 1e-9).rounded(.down)
                if n <= intervals {
                    chosen = step
                    break search
                }
            }
        }
        step = chosen
        lower = ((lo / chosen) + 1e-9).rounded(.down) * chosen
        upper = ((hi / chosen) - 1e-9).rounded(.up) * chosen
    }

    /// Tick values from lower to upper inclusive; values within rounding of zero are 0.
    var ticks: [Double] {
        let first = (lower / step).rounded()
        let count = Int(((upper - lower) / step).rounded())
        return (0...max(0, count)).map { i in
            let v = (first + Double(i)) * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// Multiples of the step inside [from, to] (for axes that keep the data's exact range).
    func ticks(from: Double, to: Double) -> [Double] {
        let first = (from / step - 1e-9).rounded(.up)
        let last = (to / step + 1e-9).rounded(.down)
        guard last >= first else { return [] }
        return (0...Int(last - first)).map { i in
            let v = (first + Double(i)) * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// Tick label with as many decimals as the step needs.
    func label(_ value: Double) -> String {
        NumberFormat.tick(value, step: step)
    }
}
