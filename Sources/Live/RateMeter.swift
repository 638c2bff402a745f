/// Events per second over the last `window` seconds (frames drawn, frames captured, faces classified).
public struct RateMeter: Sendable {
    private var times: [Double] = []
    private var counts: [Int] = []
    public let window: Double

    public init(window: Double = 2) { self.window = window }

    public mutating func record(count: Int = 1, at time: Double = MonotonicClock.now) {
        times.append(time)
        counts.append(count)
        trim(now: time)
    }

    public func rate(at now: Double = MonotonicClock.now) -> Double {
        guard let first = times.first(where: { $0 >= now - window }) else { return 0 }
        var total = 0
        for (t, c) in zip(times, counts) where t >= first { total += c }
        // The span is from the oldest kept event to now; before `window` seconds have passed, use what there is.
        let span = max(now - first, 1e-3)
        return times.count < 2 ? 0 : Double(total - (counts.first ?? 0)) / span
    }

    private mutating func trim(now: Double) {
        var drop = 0
        while drop < times.count && times[drop] < now - window { drop += 1 }
        if drop > 0 { times.removeFirst(drop); counts.removeFirst(drop) }
    }
}
