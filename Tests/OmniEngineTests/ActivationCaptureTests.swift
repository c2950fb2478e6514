import Foundation
import Testing
@testable import OmniEngine

@Suite struct ActivationCaptureTests {
    @Test func capturedLayerInputEqualsTransformersHiddenState() throws {
        let reference = try Fixtures.reference("llama")
        let ids = (reference["input_ids"] as? [Any] ?? []).ints
        let expected = ((reference["hidden_states"] as? [String: Any])?["layer_2_input"] as? [Any] ?? []).floatRows
        let generator = try Generator(checkpoint: Checkpoint(directory: Fixtures.model("llama")))
        let recorder = ActivationRecorder(spec: try ActivationCaptureSpec.parse("layers=2"))
        _ = try generator.logits(for: ids, caches: generator.makeCaches(capacity: ids.count), observer: recorder.observer(request: 0))
        let captured = try #require(recorder.activations.first)
        #expect(captured.layer == 2)
        #expect(captured.positions == Array(0..<ids.count))
        #expect(maxAbsDifference(captured.values, expected.flatMap { $0 }) <= 1e-4)
    }

    @Test func statesCrossingAShardBoundaryEqualTheSingleDeviceOnes() throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model("qwen3"))
        let ids = Array(3..<19)
        let whole = try Generator(checkpoint: checkpoint)
        let recorder = ActivationRecorder(spec: ActivationCaptureSpec(layers: [2]))
        _ = try whole.logits(for: ids, caches: whole.makeCaches(capacity: ids.count), observer: recorder.observer(request: 0))
        let first = try TransformerShard(checkpoint: checkpoint, layers: 0..<2)
        let out = try first.forward(.tokens(ids), cache: first.makeCache(capacity: ids.count))
        let boundary = try #require(out.hidden)
        #expect(maxAbsDifference(boundary, try #require(recorder.activations.first).values) == 0)
    }

    @Test func positionsRequestsAndTheSizeCap() throws {
        let generator = try Generator(checkpoint: Checkpoint(directory: Fixtures.model("llama")))
        let spec = try ActivationCaptureSpec.parse("layers=0,4;positions=2-5;requests=1")
        #expect(spec.layers == [0, 4])
        let recorder = ActivationRecorder(spec: spec)
        #expect(recorder.observer(request: 0) == nil)
        _ = try generator.generate(GenerationRequest(promptTokens: [1, 2, 3, 4], maxTokens: 4, ignoreEOS: true), observer: recorder.observer(request: 1))
        let got = recorder.activations
        #expect(got.map(\.layer) == [0, 4])
        #expect(got.allSatisfy { $0.positions == [2, 3, 4, 5] })
        let capped = ActivationRecorder(spec: try ActivationCaptureSpec.parse("layers=1;max=600"))
        _ = try generator.generate(GenerationRequest(promptTokens: [1, 2, 3, 4], maxTokens: 2, ignoreEOS: true), observer: capped.observer(request: 0))
        #expect(capped.truncated)
        #expect(capped.capturedBytes <= 600)
        for bad in ["", "layers=", "layers=a", "layers=1;colour=red", "layers=1;positions=1,5", "layers=3-1", "layers=1;max=lots"] {
            #expect(throws: EngineError.self) { _ = try ActivationCaptureSpec.parse(bad) }
        }
    }
}
