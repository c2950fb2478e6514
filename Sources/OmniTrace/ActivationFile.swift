import Foundation
import OmniEngine
import OmniHDF5

/// Writes captured activations into an HDF5 file of OMNI's trace schema
/// (`/activations/<request>/<layer>` with positions, dtype and shard attributes).
public enum ActivationFile {
    public static func write(_ recorder: ActivationRecorder, to path: String, command: String, layers: Range<Int>,
                      promptTokens: Int, outputTokens: Int) throws {
        try? FileManager.default.removeItem(atPath: path)
        let run = TraceRunInfo(omniVersion: OmniVersion.string, runKind: .live, command: command,
                               startTimeUnixNs: Int64(Date().timeIntervalSince1970 * 1e9))
        let writer = try TraceFileWriter(path: path, run: run)
        try writer.add(TraceNode(index: 0, name: "local", profileJSON: "{}"))
        try writer.add(TracePlacement(epoch: 0, node: 0, layerFirst: Int32(layers.lowerBound), layerLast: Int32(layers.upperBound - 1)))
        try writer.add(TraceRequest(id: 0, origin: 0, arrivalNs: 0, promptTokens: Int32(promptTokens), outputTokens: Int32(outputTokens), status: .ok))
        for a in recorder.activations {
            try writer.writeActivation(TraceActivation(request: Int64(a.request), layer: Int32(a.layer), shape: [a.positions.count, a.width],
                                                       values: a.values, positions: a.positions.map(Int64.init), dtype: "float32",
                                                       node: 0, shardFirst: Int32(layers.lowerBound), shardLast: Int32(layers.upperBound - 1)))
        }
        try writer.close()
    }
}
