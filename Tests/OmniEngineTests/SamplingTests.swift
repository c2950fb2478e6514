import Foundation
import Testing
@testable import OmniEngine

@Suite struct SamplingTests {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 3.0, 0.5]

    func draw(_ p: SamplingParameters, count: Int = 2000) -> [Int: Int] {
        var sampler = Sampler(parameters: p)
        var counts: [Int: Int] = [:]
        for _ in 0..<count { counts[logits.withUnsafeBufferPointer { sampler.sample($0) }, default: 0] += 1 }
        return counts
    }

    @Test func greedyTakesTheFirstMaximum() {
        var sampler = Sampler(parameters: .greedy)
        #expect(logits.withUnsafeBufferPointer { sampler.sample($0) } == 1)
    }

    @Test func sameSeedSameTokensDifferentSeedDifferentTokens() {
        let a = SamplingParameters(temperature: 1, seed: 7)
        var s1 = Sampler(parameters: a), s2 = Sampler(parameters: a)
        var s3 = Sampler(parameters: SamplingParameters(temperature: 1, seed: 8))
        let r1 = (0..<64).map { _ in logits.withUnsafeBufferPointer { s1.sample($0) } }
        let r2 = (0..<64).map { _ in logits.withUnsafeBufferPointer { s2.sample($0) } }
        let r3 = (0..<64).map { _ in logits.withUnsafeBufferPointer { s3.sample($0) } }
        #expect(r1 == r2)
        #expect(r1 != r3)
    }

    @Test func temperatureOneFollowsTheSoftmax() {
        let counts = draw(SamplingParameters(temperature: 1, seed: 1), count: 20000)
        let z = logits.map { exp(Double($0)) }.reduce(0, +)
        for (i, l) in logits.enumerated() {
            let expected = exp(Double(l)) / z
            let observed = Double(counts[i, default: 0]) / 20000
            #expect(abs(observed - expected) < 0.02, "token \(i): \(observed) vs \(expected)")
        }
    }

    @Test func topKTopPAndMinPRestrictTheCandidates() {
        #expect(Set(draw(SamplingParameters(temperature: 1, topK: 2, seed: 3)).keys) == [1, 4])
        // Probabilities: 3.0,3.0 -> 0.34 each, 2.5 -> 0.21; top-p 0.6 keeps the two 3.0 tokens.
        #expect(Set(draw(SamplingParameters(temperature: 1, topP: 0.6, seed: 3)).keys) == [1, 4])
        // min-p 0.5: keeps tokens with p >= 0.5 * p_max -> 3.0, 3.0, 2.5 (ratio e^-0.5 = 0.61).
        #expect(Set(draw(SamplingParameters(temperature: 1, minP: 0.5, seed: 3)).keys) == [1, 2, 4])
    }

    @Test func penaltiesLowerRepeatedTokens() {
        var sampler = Sampler(parameters: SamplingParameters(presencePenalty: 1.0))
        sampler.observe(1)
        // Token 1 drops to 2.0, so token 4 (3.0) wins.
        #expect(logits.withUnsafeBufferPointer { sampler.sample($0) } == 4)
        var rep = Sampler(parameters: SamplingParameters(repetitionPenalty: 2), promptTokens: [1, 4])
        // 3.0 / 2 = 1.5 for tokens 1 and 4; token 2 (2.5) wins.
        #expect(logits.withUnsafeBufferPointer { rep.sample($0) } == 2)
        var freq = Sampler(parameters: SamplingParameters(frequencyPenalty: 0.3))
        freq.observe(1); freq.observe(1)
        #expect(logits.withUnsafeBufferPointer { freq.sample($0) } == 4)
    }

    @Test func invalidParametersAreNamed() {
        #expect(throws: SamplingError.self) { try SamplingParameters(temperature: -1).validate() }
        #expect(throws: SamplingError.self) { try SamplingParameters(topP: 0).validate() }
        do { try SamplingParameters(minP: 2).validate() } catch { #expect(error.localizedDescription.contains("min_p")) }
    }

    @Test func logProbabilitiesAreNormalised() {
        let lp = logits.withUnsafeBufferPointer { Sampler.logProbabilities($0, chosen: 2, top: 3) }
        #expect(lp.top.map(\.id) == [1, 4, 2])
        let total = logits.map { exp(Double($0)) }.reduce(0, +)
        #expect(abs(lp.chosen - (2.5 - log(total))) < 1e-9)
    }
}

@Suite struct StopStringTests {
    @Test func holdsBackPossiblePrefixesAndStops() {
        var m = StopStringMatcher(stops: ["END", "\n\n"])
        #expect(m.feed("Hello E") == .emit("Hello "))
        #expect(m.feed("N") == .emit(""))
        #expect(m.feed("x") == .emit("ENx"))
        #expect(m.feed(" then EN") == .emit(" then "))
        #expect(m.feed("D and more") == .stopped(""))
    }

    @Test func findsTheEarliestStopAndFlushes() {
        var m = StopStringMatcher(stops: ["b", "abc"])
        #expect(m.feed("xxab") == .stopped("xxa"))
        var n = StopStringMatcher(stops: ["zz"])
        #expect(n.feed("az") == .emit("a"))
        #expect(n.flush() == "z")
        var none = StopStringMatcher(stops: [])
        #expect(none.feed("anything") == .emit("anything"))
    }
}
