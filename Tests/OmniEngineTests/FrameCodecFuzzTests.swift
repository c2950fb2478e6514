import Foundation
import Testing
@testable import OmniEngine

/// Feeds 100,000 random and mutated inputs to FrameDecoder. Every outcome must be messages or a
/// FrameError (a trap would end the test process), every input must finish (the decoder's work
/// is linear in its input, which is at most a few KiB here), and every decoded message must
/// survive a second encode/decode unchanged.
@Suite struct FrameCodecFuzzTests {
    enum Mutation: String, CaseIterable, Sendable {
        case randomBytes, randomAfterHeader, bitFlips, truncation, lengthEdit, wordEdit, insertDelete, splice, concatenation
    }

    static let inputsPerMutation = 11_200  // 9 mutations: 100,800 inputs
    static let auth = FrameAuthenticator(passphrase: "fuzz key")

    /// Valid frames of every kind (hidden states in every dtype, placeholders, tagged or not).
    static let seeds: [(frame: [UInt8], tagged: Bool)] = {
        var g = FrameCodecRNG(seed: 0xF022)
        var out: [([UInt8], Bool)] = []
        for i in 0..<48 {
            let message = FrameCodecSamples.message(kind: i % FrameCodecSamples.kindCount, &g)
            let dtype = WireDType.allCases[i % 3]
            let tagged = i % 4 == 3
            out.append((FrameCodec.encode(message, hiddenDType: dtype, authenticator: tagged ? auth : nil), tagged))
        }
        return out
    }()

    struct Tally {
        var inputs = 0, messages = 0, errors = 0
        /// Inputs that ended inside a frame: the decoder waits for more bytes.
        var incomplete = 0
        var byKind: [String: Int] = [:]
    }

    static func mutate(_ mutation: Mutation, _ g: inout FrameCodecRNG) -> (bytes: [UInt8], tagged: Bool) {
        let (seed, tagged) = seeds.randomElement(using: &g)!
        var b = seed
        func randomBytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) } }
        switch mutation {
        case .randomBytes:
            b = randomBytes(Int.random(in: 0...64, using: &g))
            if Bool.random(using: &g) { b = FrameHeader.magic + b }  // get past the magic check half the time
        case .randomAfterHeader:
            var header = FrameHeader(type: FrameMessageType.allCases.randomElement(using: &g)!, flags: 0,
                                     payloadLength: Int.random(in: 0...300, using: &g)).bytes
            if Int.random(in: 0..<8, using: &g) == 0 { header[7] = UInt8.random(in: 0...255, using: &g) }
            b = header + randomBytes(Int.random(in: 0...300, using: &g))
        case .bitFlips:
            for _ in 0..<Int.random(in: 1...8, using: &g) where !b.isEmpty {
                b[Int.random(in: 0..<b.count, using: &g)] ^= 1 << UInt8.random(in: 0...7, using: &g)
            }
        case .truncation:
            b = Array(b.prefix(Int.random(in: 0...b.count, using: &g)))
        case .lengthEdit:
            let choices: [UInt32] = [0, 1, UInt32(b.count), UInt32(max(0, b.count - 13)), UInt32.max, UInt32.max - 11, 1 << 31,
                                     UInt32.random(in: 0...UInt32.max, using: &g), UInt32(max(0, b.count - 12 + Int.random(in: -8...8, using: &g)))]
            let v = choices.randomElement(using: &g)!
            for i in 0..<4 { b[8 + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
        case .wordEdit:
            // Overwrite a u16/u32/u64-sized window in the payload: counts, string lengths, enums.
            guard b.count > 12 else { break }
            let width = [1, 2, 4, 8].randomElement(using: &g)!
            let at = Int.random(in: 12..<b.count, using: &g)
            let values: [UInt64] = [0, 1, 2, 0xFF, 0xFFFF, 0xFFFF_FFFF, .max, 1 << 40, UInt64.random(in: 0...UInt64.max, using: &g)]
            let v = values.randomElement(using: &g)!
            for i in 0..<width where at + i < b.count { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
        case .insertDelete:
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let at = Int.random(in: 0...b.count, using: &g)
                if Bool.random(using: &g) || at == b.count {
                    b.insert(contentsOf: randomBytes(Int.random(in: 1...8, using: &g)), at: at)
                } else {
                    b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...8, using: &g)))
                }
            }
        case .splice:
            let other = seeds.randomElement(using: &g)!.frame
            let cut = Int.random(in: 0...b.count, using: &g), otherCut = Int.random(in: 0...other.count, using: &g)
            b = Array(b[..<cut] + other[otherCut...])
        case .concatenation:
            // Two or three valid frames of the same keying, then maybe a mutated one.
            for _ in 0..<Int.random(in: 1...2, using: &g) { b += seeds.filter { $0.tagged == tagged }.randomElement(using: &g)!.frame }
            if Bool.random(using: &g) {
                var tail = seeds.randomElement(using: &g)!.frame
                tail[Int.random(in: 0..<tail.count, using: &g)] ^= 0x40
                b += tail
            }
        }
        return (b, tagged)
    }

    /// Decodes `bytes` fed in random chunks; counts messages and the error that ends it, if any.
    static func run(_ bytes: [UInt8], tagged: Bool, _ g: inout FrameCodecRNG, into tally: inout Tally) {
        var decoder = FrameDecoder(maxFrameBytes: 64 << 10, authenticator: tagged ? auth : nil)
        var i = 0
        var calls = 0
        do {
            repeat {
                let n = Bool.random(using: &g) ? bytes.count : Int.random(in: 1...64, using: &g)
                decoder.append(bytes[i..<min(bytes.count, i + n)])
                i = min(bytes.count, i + n)
                while let message = try decoder.next() {
                    calls += 1
                    tally.messages += 1
                    tally.byKind[message.kind, default: 0] += 1
                    // Decoded values are ones the encoder can write and read back identically.
                    let again = FrameCodec.encode(message)
                    #expect(FrameCodec.encode(try FrameCodec.decode(frame: again)) == again)
                    #expect(calls <= bytes.count / FrameHeader.byteCount, "more messages than the input can hold")
                }
            } while i < bytes.count
        } catch {
            // `next()` throws only FrameError (typed throws), so nothing else can arrive here.
            tally.errors += 1
            tally.byKind[Self.caseName(error), default: 0] += 1
            #expect(!(error.errorDescription ?? "").isEmpty)
            #expect(decoder.failure == error && decoder.bufferedByteCount == 0)
        }
        if decoder.failure == nil && decoder.bufferedByteCount > 0 { tally.incomplete += 1 }
        tally.inputs += 1
    }

    static func caseName(_ e: FrameError) -> String {
        switch e {
        case .badMagic: "badMagic"
        case .unsupportedVersion: "unsupportedVersion"
        case .unknownMessageType: "unknownMessageType"
        case .unknownFlags: "unknownFlags"
        case .oversized: "oversized"
        case .malformed: "malformed"
        case .trailingBytes: "trailingBytes"
        case .authenticationFailed: "authenticationFailed"
        }
    }

    @Test(arguments: Mutation.allCases)
    func decoderSurvivesMutatedFrames(mutation: Mutation) {
        var g = FrameCodecRNG(seed: 0xF0220000 + UInt64(Mutation.allCases.firstIndex(of: mutation)!))
        var tally = Tally()
        for _ in 0..<Self.inputsPerMutation {
            let (bytes, tagged) = Self.mutate(mutation, &g)
            Self.run(bytes, tagged: tagged, &g, into: &tally)
        }
        #expect(tally.inputs == Self.inputsPerMutation)
        if mutation == .truncation {
            // A cut frame is never an error by itself: the decoder waits for the rest.
            #expect(tally.errors == 0)
            #expect(tally.incomplete > Self.inputsPerMutation * 9 / 10)
        } else {
            #expect(tally.errors > Self.inputsPerMutation / 4, "too few inputs of \(mutation) were refused")
        }
        if mutation == .concatenation { #expect(tally.messages >= Self.inputsPerMutation * 2) }
        let summary = tally.byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("FrameCodec fuzz \(mutation.rawValue): \(tally.inputs) inputs, \(tally.messages) messages, \(tally.errors) errors, \(tally.incomplete) incomplete (\(summary))")
    }

    @Test func beaconDecoderSurvivesMutatedDatagrams() throws {
        var g = FrameCodecRNG(seed: 0xBEAC0)
        let beacon = DiscoveryBeacon(node: "node-1", tcpPort: 52415, model: "model", timestampMilliseconds: 123, nonce: 456)
        let plain = try beacon.encode(), tagged = try beacon.encode(authenticator: Self.auth)
        var accepted = 0, refused = 0
        for i in 0..<20_000 {
            let useKey = i % 2 == 1
            var b = useKey ? tagged : plain
            switch i % 4 {
            case 0: b[Int.random(in: 0..<b.count, using: &g)] ^= 1 << UInt8.random(in: 0...7, using: &g)
            case 1: b = Array(b.prefix(Int.random(in: 0...b.count, using: &g)))
            case 2: b = (0..<Int.random(in: 0...1100, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            default: b[Int.random(in: 7..<b.count, using: &g)] = 0xFF
            }
            do {
                let decoded = try DiscoveryBeacon.decode(b, authenticator: useKey ? Self.auth : nil)
                accepted += 1
                #expect(try DiscoveryBeacon.decode(decoded.encode()) == decoded)
            } catch {
                refused += 1
            }
        }
        #expect(accepted + refused == 20_000 && refused > 10_000)
        print("FrameCodec fuzz beacons: 20000 datagrams, \(accepted) accepted, \(refused) refused")
    }
}
