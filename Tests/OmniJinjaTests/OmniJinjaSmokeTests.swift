import Testing
@testable import OmniJinja

@Test func OmniJinjaLinks() {}
