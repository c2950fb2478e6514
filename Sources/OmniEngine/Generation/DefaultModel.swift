import Foundation

/// Finds the bundled default model (`Models/omni-shakespeare` in the repository) used when a
/// command gets no `--model`: `$OMNI_DEFAULT_MODEL` first, then the folders above the running
/// executable (a build in `.build/release/omni` finds the repository's `Models/`).
public enum DefaultModel {
    public static let folderName = "omni-shakespeare"

    public static func locate(executablePath: String = CommandLine.arguments.first ?? "") -> URL? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["OMNI_DEFAULT_MODEL"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        var candidates: [URL] = []
        var dir = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("Models").appendingPathComponent(folderName))
            candidates.append(dir.appendingPathComponent("share/omni/models").appendingPathComponent(folderName))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Models").appendingPathComponent(folderName))
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
    }
}
