// swift-tools-version:6.0
import PackageDescription

// Release builds pass -Ounchecked-free defaults; see README "Build flags" for the CPU flags that matter.
let package = Package(
    name: "omni",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "omni", targets: ["OmniCLI"]),
        .executable(name: "omni-sim", targets: ["OmniSimCLI"]),
        .executable(name: "omni-bench", targets: ["OmniBenchCLI"]),
        .library(name: "OmniEngine", targets: ["OmniEngine"]),
        .library(name: "OmniSim", targets: ["OmniSim"]),
        .library(name: "OmniBench", targets: ["OmniBench"]),
    ],
    targets: [
        // System libraries, each behind its own shim.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CHDF5", path: "Sources/CHDF5",
                cSettings: [.unsafeFlags(["-I/usr/include/hdf5/serial"])],
                linkerSettings: [.unsafeFlags(["-L/usr/lib/x86_64-linux-gnu/hdf5/serial", "-L/usr/lib/aarch64-linux-gnu/hdf5/serial"]), .linkedLibrary("hdf5")]),

        // Engine building blocks.
        .target(name: "OmniKernelsC", dependencies: ["CBLAS"], path: "Sources/OmniKernelsC",
                cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "OmniKernels", dependencies: ["CBLAS", "OmniKernelsC"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "OmniTokenizer"),
        .target(name: "OmniJinja"),
        .target(name: "OmniEngine", dependencies: ["OmniKernels", "OmniTokenizer", "OmniJinja"]),
        .target(name: "OmniCommandLine"),
        .target(name: "OmniSim", dependencies: ["OmniEngine", "OmniHDF5"]),
        .target(name: "OmniBench", dependencies: ["OmniEngine", "OmniSim", "OmniTrace"]),
        .target(name: "OmniHDF5", dependencies: ["CHDF5"]),
        .target(name: "OmniAPI", dependencies: ["OmniEngine"]),
        // Live traces and activation files in the HDF5 schema (omni serve, omni generate, omni-bench).
        .target(name: "OmniTrace", dependencies: ["OmniEngine", "OmniHDF5"]),

        // Command-line tools.
        .executableTarget(name: "OmniCLI", dependencies: ["OmniEngine", "OmniCommandLine", "OmniTrace", "OmniAPI"]),
        .executableTarget(name: "OmniSimCLI", dependencies: ["OmniSim", "OmniCommandLine"]),
        .executableTarget(name: "OmniBenchCLI", dependencies: ["OmniBench", "OmniCommandLine", "OmniHDF5"]),

        // One test target per module.
        .testTarget(name: "OmniKernelsTests", dependencies: ["OmniKernels"]),
        .testTarget(name: "OmniTokenizerTests", dependencies: ["OmniTokenizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OmniJinjaTests", dependencies: ["OmniJinja"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OmniEngineTests", dependencies: ["OmniEngine"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OmniCommandLineTests", dependencies: ["OmniCommandLine"]),
        .testTarget(name: "OmniTraceTests", dependencies: ["OmniTrace"]),
        // Runs the built executables as processes (they are built by `swift build --build-tests`).
        .testTarget(name: "OmniCLITests", dependencies: []),
        .testTarget(name: "OmniSimTests", dependencies: ["OmniSim"]),
        .testTarget(name: "OmniBenchTests", dependencies: ["OmniBench"]),
        .testTarget(name: "OmniHDF5Tests", dependencies: ["OmniHDF5"]),
        .testTarget(name: "OmniAPITests", dependencies: ["OmniAPI"]),
    ]
)
