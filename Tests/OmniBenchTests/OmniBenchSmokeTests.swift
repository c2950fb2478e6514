import Testing
@testable import OmniBench

@Test func OmniBenchLinks() {}
