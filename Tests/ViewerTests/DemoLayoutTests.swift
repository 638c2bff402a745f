import Imaging
import Live
import Testing

struct DemoLayoutTests {
    static let frame = Size(width: 640, height: 480)

    static func overlap(_ a: PixelRect, _ b: PixelRect) -> Bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    /// The demo is what a user without a camera sees first: every face must stay whole and uncovered.
    @Test(arguments: 1...12) func facesStayInTheFrameAndNeverCoverOneAnother(count: Int) {
        let layout = DemoLayout(frame: Self.frame, count: count)
        #expect(layout.columns * layout.rows >= count)
        for step in 0..<600 {
            let t = Double(step) / 10
            let places = (0..<count).map { layout.place($0, at: t) }
            for (i, a) in places.enumerated() {
                #expect(a.x >= 0 && a.y >= 0 && a.x + a.width <= Self.frame.width && a.y + a.height <= Self.frame.height,
                        "\(count) faces, t \(t): face \(i) at \(a) leaves the frame")
                for b in places[(i + 1)...] where Self.overlap(a, b) {
                    Issue.record("\(count) faces, t \(t): \(a) and \(b) overlap")
                }
            }
        }
    }

    @Test func fewFacesKeepTheirSizeAndManyShrinkOnlyAsMuchAsTheyMust() {
        #expect(DemoLayout(frame: Self.frame, count: 1).faceSide == 150)
        #expect(DemoLayout(frame: Self.frame, count: 3).faceSide == 150)
        let three = DemoLayout(frame: Self.frame, count: 3)
        #expect(three.rows == 1, "three faces side by side")
        let six = DemoLayout(frame: Self.frame, count: 6)
        #expect(six.faceSide == 150 && six.columns == 3 && six.rows == 2)
        let twelve = DemoLayout(frame: Self.frame, count: 12)
        #expect(twelve.faceSide >= 100, "twelve faces are still big enough to be found: \(twelve.faceSide)")
    }

    @Test func facesMove() {
        let layout = DemoLayout(frame: Self.frame, count: 6)
        for slot in 0..<6 {
            let places = Set((0..<100).map { layout.place(slot, at: Double($0) / 5) })
            #expect(places.count > 10, "face \(slot) hardly moves")
        }
    }
}
