import Foundation

/// Rotary position embedding with the `rope_scaling` variants of transformers
/// (default, linear, dynamic NTK, llama3), using the rotate-half layout of HF Llama.
public struct RotaryEmbedding: Sendable {
    public let headDim: Int
    let base: Double
    let scaling: RopeScaling?
    let maxPositionEmbeddings: Int
    /// Inverse frequencies for positions within the original context (all variants but dynamic
    /// past the original length).
    let baseInverseFrequencies: [Float]

    public init(config: ModelConfig) {
        headDim = config.headDim
        base = config.ropeTheta
        scaling = config.ropeScaling
        maxPositionEmbeddings = config.maxPositionEmbeddings
        baseInverseFrequencies = Self.inverseFrequencies(headDim: headDim, base: base, scaling: scaling,
                                                          maxPositionEmbeddings: maxPositionEmbeddings, sequenceLength: 0)
    }

    static func plainInverseFrequencies(headDim: Int, base: Double) -> [Float] {
        (0..<(headDim / 2)).map { i in
            // transformers computes this in float32: 1 / base^(2i/d).
            let exponent = Float(2 * i) / Float(headDim)
            return Float(1.0 / pow(base, Double(exponent)))
        }
    }

    static func inverseFrequencies(headDim: Int, base: Double, scaling: RopeScaling?,
                                   maxPositionEmbeddings: Int, sequenceLength: Int) -> [Float] {
        guard let scaling else { return plainInverseFrequencies(headDim: headDim, base: base) }
        switch scaling.kind {
        case .default, .yarn:
            // Models with yarn scaling are refused by `ShardWeights` before they get here.
            return plainInverseFrequencies(headDim: headDim, base: base)
        case .linear:
            return plainInverseFrequencies(headDim: headDim, base: base).map { $0 / Float(scaling.factor) }
        case .dynamic:
            let limit = maxPositionEmbeddings
            guard sequenceLength > limit else { return plainInverseFrequencies(headDim: headDim, base: base) }
            let d = Double(headDim)
            let adjusted = base * pow(scaling.factor * Double(sequenceLength) / Double(limit) - (scaling.factor - 1), d / (d - 2))
            return plainInverseFrequencies(headDim: headDim, base: adjusted)
        case .llama3:
            let plain = plainInverseFrequencies(headDim: headDim, base: base)
            let oldContext = Float(scaling.originalMaxPositionEmbeddings ?? maxPositionEmbeddings)
            let factor = Float(scaling.factor), low = Float(scaling.lowFreqFactor), high = Float(scaling.highFreqFactor)
            let lowFreqWavelen = oldContext / low
            let highFreqWavelen = oldContext / high
            return plain.map { f in
                let wavelen = 2 * Float.pi / f
                if wavelen < highFreqWavelen { return f }
                if wavelen > lowFreqWavelen { return f / factor }
                let smooth = (oldContext / wavelen - low) / (high - low)
                return (1 - smooth) * f / factor + smooth * f
            }
        }
    }

    /// The inverse frequencies for one forward pass whose highest position is `maxPosition`.
    /// Dynamic NTK scaling (as transformers does it) widens the base when the sequence passes
    /// the original context; every other variant is position-independent.
    public func inverseFrequencies(maxPosition: Int) -> [Float] {
        if let scaling, scaling.kind == .dynamic, maxPosition + 1 > maxPositionEmbeddings {
            return Self.inverseFrequencies(headDim: headDim, base: base, scaling: scaling,
                                           maxPositionEmbeddings: maxPositionEmbeddings, sequenceLength: maxPosition + 1)
        }
        return baseInverseFrequencies
    }

    /// cos/sin tables [positions.count, headDim/2] for the given positions.
    public func table(positions: Range<Int>) -> (cos: [Float], sin: [Float]) {
        let inv = inverseFrequencies(maxPosition: positions.upperBound - 1)
        let half = headDim / 2
        var cosT = [Float](repeating: 0, count: positions.count * half)
        var sinT = [Float](repeating: 0, count: positions.count * half)
        for (row, pos) in positions.enumerated() {
            for i in 0..<half {
                let angle = Float(pos) * inv[i]
                cosT[row * half + i] = Float(cos(Double(angle)))
                sinT[row * half + i] = Float(sin(Double(angle)))
            }
        }
        return (cosT, sinT)
    }

    /// Rotates `heads` vectors of length headDim at `x` (contiguous) by row `row` of the table.
    @inline(__always)
    static func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int,
                      cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let half = headDim / 2
        for h in 0..<heads {
            let v = x + h * headDim
            for i in 0..<half {
                let a = v[i], b = v[i + half]
                v[i] = a * cos[i] - b * sin[i]
                v[i + half] = b * cos[i] + a * sin[i]
            }
        }
    }
}
