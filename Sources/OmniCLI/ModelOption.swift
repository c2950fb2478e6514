import Foundation
import OmniCommandLine
import OmniEngine

/// The `--model DIR` option every command shares: the given directory, else the bundled model.
enum ModelOption {
    static func directory(_ args: ParsedArguments, command: String) throws -> URL {
        if let path = args.string("model") { return URL(fileURLWithPath: path) }
        if let bundled = DefaultModel.locate() { return bundled }
        throw CommandLineError.invalidValue(command: command, option: "model", value: "",
                                            expected: "a model directory (the bundled Models/\(DefaultModel.folderName) was not found next to the executable; set OMNI_DEFAULT_MODEL)")
    }
}
