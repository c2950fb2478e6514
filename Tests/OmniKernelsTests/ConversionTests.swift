import Testing
@testable import OmniKernels

extension KernelSuites {
    /// Conversions between f32 and the half-width dtypes, on every SIMD path.
    @Suite struct ConversionTests {
        /// Swift's own Float16 conversion, used as an independent reference.
        /// nil where Swift has no Float16 (Intel macOS); the spot checks below still run there.
        private func referenceF16ToFloat(_ bits: UInt16) -> Float? {
            #if !(os(macOS) && arch(x86_64))
            return Float(Float16(bitPattern: bits))
            #else
            return nil
            #endif
        }

        private func convertAll(_ dtype: DType) -> [Float] {
            let patterns = (0...UInt16.max).map { $0 }
            var out = [Float](repeating: 0, count: patterns.count)
            patterns.withUnsafeBytes { src in
                out.withUnsafeMutableBufferPointer { dst in
                    Kernels.toFloat(src.baseAddress!, dtype: dtype, count: patterns.count, dst.baseAddress!)
                }
            }
            return out
        }

        @Test(arguments: [KernelRuntime.SIMDLevel.portable, .avx2, .avx512, .neon])
        func f16ToFloatIsExactForAllBitPatterns(level: KernelRuntime.SIMDLevel) {
            guard availableSIMDLevels.contains(level) else { return }
            KernelRuntime.forceSIMDLevel(level)
            defer { KernelRuntime.forceSIMDLevel(nil) }
            let converted = convertAll(.f16)
            var mismatches = 0
            for bits in 0...UInt16.max {
                let got = converted[Int(bits)]
                guard let expected = referenceF16ToFloat(bits) else { continue }
                if expected.isNaN {
                    // NaN: same sign, payload kept (the quiet bit may be set by hardware conversion).
                    let sameSign = got.sign == expected.sign
                    let payload = (got.bitPattern >> 13) & 0x1ff
                    let expectedPayload = (expected.bitPattern >> 13) & 0x1ff
                    if !(got.isNaN && sameSign && payload == expectedPayload) { mismatches += 1 }
                } else if got.bitPattern != expected.bitPattern {
                    mismatches += 1
                }
            }
            #expect(mismatches == 0)
            // Spot checks that do not rely on the reference.
            #expect(converted[0x3c00] == 1)
            #expect(converted[0x0001] == 0x1p-24)
            #expect(converted[0x8001] == -0x1p-24)
            #expect(converted[0x03ff] == 1023 * 0x1p-24)
            #expect(converted[0x7bff] == 65504)
            #expect(converted[0x7c00] == .infinity)
            #expect(converted[0xfc00] == -.infinity)
            #expect(converted[0x7e00].isNaN)
            #expect(converted[0x8000].bitPattern == 0x8000_0000)
        }

        @Test(arguments: [KernelRuntime.SIMDLevel.portable, .avx2, .avx512, .neon])
        func bf16ToFloatIsExactForAllBitPatterns(level: KernelRuntime.SIMDLevel) {
            guard availableSIMDLevels.contains(level) else { return }
            KernelRuntime.forceSIMDLevel(level)
            defer { KernelRuntime.forceSIMDLevel(nil) }
            let converted = convertAll(.bf16)
            let mismatches = (0...UInt16.max).filter { converted[Int($0)].bitPattern != UInt32($0) << 16 }
            #expect(mismatches.isEmpty)
            #expect(converted[0x3f80] == 1)
            #expect(converted[0xc040] == -3)
        }

        @Test(arguments: [KernelRuntime.SIMDLevel.portable, .avx2, .avx512, .neon], [1, 7, 15, 16, 17, 33, 1000])
        func shortAndOddLengthsConvertEveryElement(level: KernelRuntime.SIMDLevel, count: Int) {
            guard availableSIMDLevels.contains(level) else { return }
            KernelRuntime.forceSIMDLevel(level)
            defer { KernelRuntime.forceSIMDLevel(nil) }
            for dtype in [DType.f16, .bf16, .f32] {
                let source: [UInt16] = (0..<count * 2).map { UInt16(0x3c00 + $0 % 300) }
                var out = [Float](repeating: -7, count: count + 1)
                source.withUnsafeBytes { src in
                    Kernels.toFloat(src.baseAddress!, dtype: dtype, count: count, &out)
                }
                #expect(out[count] == -7, "wrote past the end")
                #expect(out.prefix(count).allSatisfy { $0.isFinite && $0 != -7 })
            }
        }

        private func toHalfBits(_ values: [Float], _ dtype: DType) -> [UInt16] {
            var out = [UInt16](repeating: 0, count: values.count)
            values.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBytes { dst in
                    Kernels.fromFloat(src.baseAddress!, count: values.count, dtype: dtype, dst.baseAddress!)
                }
            }
            return out
        }

        @Test func bf16RoundsToNearestEvenOnKnownCases() {
            let cases: [(Float, UInt16)] = [
                (1.0, 0x3f80),
                (Float(bitPattern: 0x3f80_8000), 0x3f80), // tie, even below
                (Float(bitPattern: 0x3f81_8000), 0x3f82), // tie, even above
                (Float(bitPattern: 0x3f80_8001), 0x3f81), // just above the tie
                (Float(bitPattern: 0x3f80_7fff), 0x3f80), // just below the tie
                (-2.5, 0xc020),
                (.infinity, 0x7f80),
                (-.infinity, 0xff80),
                (.greatestFiniteMagnitude, 0x7f80),       // rounds up to infinity
                (Float(bitPattern: 0x0000_8000), 0x0000), // subnormal tie to even zero
                (Float(bitPattern: 0x0001_8000), 0x0002),
                (-0.0, 0x8000),
                (.nan, 0x7fc0),
            ]
            let got = toHalfBits(cases.map(\.0), .bf16)
            for (index, (value, expected)) in cases.enumerated() {
                #expect(got[index] == expected, "bf16(\(value)) = \(String(got[index], radix: 16))")
            }
        }

        @Test func f16RoundsToNearestEvenOnKnownCases() {
            let cases: [(Float, UInt16)] = [
                (1.0, 0x3c00),
                (1 + 0x1p-11, 0x3c00),       // tie, even below
                (1 + 3 * 0x1p-11, 0x3c02),   // tie, even above
                (1 + 0x1p-11 + 0x1p-20, 0x3c01),
                (65504, 0x7bff),
                (65519.99, 0x7bff),
                (65520, 0x7c00),             // tie at the top rounds to infinity
                (0x1p-24, 0x0001),
                (0x1p-25, 0x0000),           // tie to even zero
                (0x1p-25 + 0x1p-40, 0x0001),
                (3 * 0x1p-25, 0x0002),       // tie to even 2
                (0x1p-14 - 0x1p-25, 0x0400), // rounds up into the normal range
                (-0.0, 0x8000),
                (-.infinity, 0xfc00),
                (1e-10, 0x0000),
                (-1e10, 0xfc00),
                (.nan, 0x7e00),
            ]
            let got = toHalfBits(cases.map(\.0), .f16)
            for (index, (value, expected)) in cases.enumerated() {
                #expect(got[index] == expected, "f16(\(value)) = \(String(got[index], radix: 16))")
            }
        }

        @Test func f16RoundingMatchesSwiftFloat16ForMidpointsAndRandomValues() {
            #if !(os(macOS) && arch(x86_64))
            var values: [Float] = []
            // Every half value, the midpoints between neighbours and points just either side of them.
            for bits in UInt16(0)..<0x7c00 {
                let low = Float(Float16(bitPattern: bits))
                let high = Float(Float16(bitPattern: bits + 1))
                let mid = (low + high) / 2 // exact in f32
                values += [low, mid, mid.nextUp, mid.nextDown, -mid]
            }
            var random = SeededRandom(seed: 11)
            for _ in 0..<100_000 {
                values.append(Float(bitPattern: UInt32(truncatingIfNeeded: random.next())))
            }
            let got = toHalfBits(values, .f16)
            var mismatches = 0
            for (index, value) in values.enumerated() where !value.isNaN {
                if got[index] != Float16(value).bitPattern { mismatches += 1 }
            }
            #expect(mismatches == 0)
            #endif
        }

        @Test func halfWidthRoundTripsEveryNonNaNPattern() {
            for dtype in [DType.f16, .bf16] {
                let patterns = (0...UInt16.max).map { $0 }
                var floats = [Float](repeating: 0, count: patterns.count)
                patterns.withUnsafeBytes { src in
                    Kernels.toFloat(src.baseAddress!, dtype: dtype, count: patterns.count, &floats)
                }
                let back = toHalfBits(floats, dtype)
                let mismatches = patterns.indices.filter { !floats[$0].isNaN && back[$0] != patterns[$0] }
                #expect(mismatches.isEmpty, "\(dtype)")
            }
        }

        @Test func dtypeNamesAndSizes() throws {
            #expect(try DType(safetensorsName: "BF16") == .bf16)
            #expect(DType.f32.byteSize == 4 && DType.f16.byteSize == 2 && DType.bf16.byteSize == 2)
            #expect(throws: KernelError.unsupportedDType("I8")) { try DType(safetensorsName: "I8") }
        }
    }
}
