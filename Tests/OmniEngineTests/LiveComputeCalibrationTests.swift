import Foundation
import Testing
@testable import OmniEngine

@Suite struct LiveComputeCalibrationTests {
    @Test func measuresOnceThenReadsTheCache() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try #require(ComputeCalibration.peakFlops(stateDirectory: dir.path, processor: "cpu-x"))
        #expect(first.f32 > 1e8 && first.bf16 > 1e8)
        let cached = try #require(ComputeCalibration.peakFlops(stateDirectory: dir.path, processor: "cpu-x"))
        #expect(cached == first)
        // Another processor name (a moved state directory) measures again.
        let file = dir.appendingPathComponent(ComputeCalibration.fileName)
        try Data(#"{"bf16_flops":1,"f32_flops":2,"processor":"cpu-x"}"#.utf8).write(to: file)
        #expect(ComputeCalibration.peakFlops(stateDirectory: dir.path, processor: "cpu-x")?.f32 == 2)
        #expect(ComputeCalibration.peakFlops(stateDirectory: dir.path, processor: "cpu-y")?.f32 != 2)
    }
}
