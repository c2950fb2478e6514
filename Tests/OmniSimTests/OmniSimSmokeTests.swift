import Testing
@testable import OmniSim

@Test func OmniSimLinks() {}
