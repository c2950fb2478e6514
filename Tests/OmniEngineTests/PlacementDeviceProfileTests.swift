import Foundation
import Testing
@testable import OmniEngine

@Suite struct PlacementDeviceProfileTests {
    static let meminfo = """
    MemTotal:       16318440 kB
    MemFree:         1021312 kB
    MemAvailable:   12582912 kB
    Buffers:          123456 kB
    """
    static let cpuinfo = """
    processor\t: 0
    vendor_id\t: AuthenticAMD
    model name\t: AMD EPYC 7763 64-Core Processor
    processor\t: 1
    model name\t: AMD EPYC 7763 64-Core Processor
    """

    func system(_ files: [String: String]) -> LinuxSystemInfo {
        LinuxSystemInfo { files[$0] }
    }

    @Test func parsesMeminfoAndCPUModel() {
        let info = LinuxSystemInfo.parseMeminfo(Self.meminfo)
        #expect(info["MemTotal"] == 16318440 * 1024)
        #expect(info["MemAvailable"] == 12 << 30)
        #expect(LinuxSystemInfo.parseCPUModel(Self.cpuinfo) == "AMD EPYC 7763 64-Core Processor")
        #expect(LinuxSystemInfo.parseCPUModel("Processor\t: AArch64 Processor rev 1\nHardware\t: BCM2835\n") == "AArch64 Processor rev 1")
        #expect(LinuxSystemInfo.parseCPUModel("garbage") == nil)
        #expect(LinuxSystemInfo.parseMeminfo("MemTotal: lots kB\n:::\n").isEmpty)
    }

    @Test func cgroupLimits() {
        #expect(LinuxSystemInfo.parseCgroupLimit("max\n") == nil)
        #expect(LinuxSystemInfo.parseCgroupLimit("9223372036854771712\n") == nil)
        #expect(LinuxSystemInfo.parseCgroupLimit("8589934592\n") == 8 << 30)
        #expect(LinuxSystemInfo.parseCgroupLimit("-1") == nil)
    }

    @Test func cgroupV2CapsTotalAndAvailable() {
        let s = system(["/proc/meminfo": Self.meminfo, "/proc/self/cgroup": "0::/\n",
                        "/sys/fs/cgroup/memory.max": "8589934592\n", "/sys/fs/cgroup/memory.current": "1073741824\n"])
        #expect(s.memory() == .init(totalBytes: 8 << 30, availableBytes: 7 << 30))
    }

    @Test func nestedCgroupV1IsFound() {
        let s = system(["/proc/meminfo": Self.meminfo, "/proc/self/cgroup": "12:pids:/x\n5:memory:/docker/abc\n",
                        "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "4294967296",
                        "/sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes": "1073741824",
                        "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712"])
        #expect(s.memory() == .init(totalBytes: 4 << 30, availableBytes: 3 << 30))
    }

    @Test func parentCgroupLimitAndInactiveCacheCount() {
        let s = system(["/proc/meminfo": Self.meminfo, "/proc/self/cgroup": "0::/outer/inner\n",
                        "/sys/fs/cgroup/outer/inner/memory.max": "max",
                        "/sys/fs/cgroup/outer/inner/memory.current": "3221225472",
                        "/sys/fs/cgroup/outer/inner/memory.stat": "anon 1073741824\ninactive_file 2147483648\n",
                        "/sys/fs/cgroup/outer/memory.max": "6442450944"])
        // Limit 6 GiB from the parent; 3 GiB used of which 2 GiB is reclaimable cache.
        #expect(s.memory() == .init(totalBytes: 6 << 30, availableBytes: 5 << 30))
    }

    @Test func noCgroupLimitUsesMeminfo() {
        let s = system(["/proc/meminfo": Self.meminfo, "/sys/fs/cgroup/memory.max": "max"])
        #expect(s.memory() == .init(totalBytes: 16318440 * 1024, availableBytes: 12 << 30))
    }

    @Test func thisMachineFromFakeFilesWithMemoryLimit() throws {
        let s = system(["/proc/meminfo": Self.meminfo, "/proc/cpuinfo": Self.cpuinfo])
        let d = DeviceProfile.thisMachine(id: "me", system: s, cores: 4)
        #expect(d.totalMemoryBytes == 16318440 * 1024 && d.availableMemoryBytes == 12 << 30)
        #expect(d.processor == "AMD EPYC 7763 64-Core Processor" && d.cores == 4)
        #expect(d.peakFlops.f32 == 4 * DeviceProfile.uncalibratedFlopsPerCore)
        try d.validate()
        let capped = DeviceProfile.thisMachine(id: "me", memoryLimitBytes: 2 << 30, system: s, cores: 4)
        #expect(capped.availableMemoryBytes == 2 << 30 && capped.totalMemoryBytes == d.totalMemoryBytes)
        #expect(d.cappingAvailableMemory(at: 100 << 30).availableMemoryBytes == 12 << 30)   // caps never raise
        #expect(d.cappingAvailableMemory(at: -5).availableMemoryBytes == 0)
        // Nothing readable: fall back, never crash.
        let blind = DeviceProfile.thisMachine(id: "x", system: system([:]), cores: 0, physicalMemoryFallback: 1 << 30)
        #expect(blind.totalMemoryBytes == 1 << 30 && blind.availableMemoryBytes == 1 << 30 && blind.cores == 1)
        #expect(blind.processor == "unknown CPU")
    }

    @Test func liveMachineGivesAUsableProfile() throws {
        let d = DeviceProfile.thisMachine(id: "live")
        try d.validate()
        #expect(d.totalMemoryBytes > 0 && d.availableMemoryBytes <= d.totalMemoryBytes)
    }

    @Test func memorySizes() throws {
        #expect(try DeviceProfile.parseMemorySize("17179869184") == 16 << 30)
        #expect(try DeviceProfile.parseMemorySize("16GiB") == 16 << 30)
        #expect(try DeviceProfile.parseMemorySize("16G") == 16 << 30)
        #expect(try DeviceProfile.parseMemorySize("512M") == 512 << 20)
        #expect(try DeviceProfile.parseMemorySize("1.5 GB") == 1_500_000_000)
        #expect(try DeviceProfile.parseMemorySize("64k") == 65536)
        for bad in ["", "G", "-1G", "12 parsecs", "1e30", "1..2G"] {
            #expect(throws: PlacementError.self, "\(bad)") { try DeviceProfile.parseMemorySize(bad) }
        }
    }
}
