/// The matrices of Winograd's minimal filtering F(m, r): m outputs of an r-tap correlation from
/// n = m + r − 1 inputs with n multiplications, y = Aᵀ[(G g) ⊙ (Bᵀ d)].
///
/// They are derived, not tabulated: correlation is the transpose of linear convolution, and Toom–Cook
/// computes a linear convolution by evaluating both factors at n points (here 0, ±1, ±2, … and ∞),
/// multiplying, and interpolating. With evaluation matrices E_u (n×m), E_g (n×r) and the interpolation
/// matrix C = V⁻¹ (V the n×n Vandermonde matrix with an ∞ row), Aᵀ = E_uᵀ, G = E_g, Bᵀ = Cᵀ. The same
/// points give F(r, m), which is how the weight gradient is computed: its matrices are Aᵀ' = Gᵀ, G' = A.
public struct WinogradTransform: Sendable {
    public let m, r, n: Int
    /// Row-major Aᵀ (m×n), G (n×r), Bᵀ (n×n).
    public let at: [Float]
    public let g: [Float]
    public let bt: [Float]

    public init(m: Int, r: Int) {
        precondition(m >= 1 && r >= 1 && m + r - 1 <= 8, "WinogradTransform: F(\(m), \(r)) is not supported")
        self.m = m
        self.r = r
        let n = m + r - 1
        self.n = n
        // Finite points 0, 1, −1, 2, −2, 1/2, −1/2: small magnitudes keep float32 rounding low.
        let candidates: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5]
        let points = Array(candidates.prefix(n - 1))
        func power(_ x: Double, _ k: Int) -> Double { k == 0 ? 1 : (0..<k).reduce(1) { p, _ in p * x } }
        func evaluation(length: Int) -> [[Double]] {
            points.map { a in (0..<length).map { power(a, $0) } } + [(0..<length).map { $0 == length - 1 ? 1 : 0 }]
        }
        let eu = evaluation(length: m), eg = evaluation(length: r)
        let c = WinogradTransform.inverse(evaluation(length: n))
        at = (0..<m).flatMap { i in (0..<n).map { j in Float(eu[j][i]) } }
        g = eg.flatMap { $0.map(Float.init) }
        bt = (0..<n).flatMap { i in (0..<n).map { j in Float(c[j][i]) } }
    }

    /// Gauss–Jordan inverse with partial pivoting, in Double (the matrices are tiny and well conditioned).
    static func inverse(_ matrix: [[Double]]) -> [[Double]] {
        let n = matrix.count
        var a = matrix.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            let scale = a[column][column]
            precondition(scale != 0, "WinogradTransform: singular interpolation matrix")
            a[column] = a[column].map { $0 / scale }
            for row in 0..<n where row != column {
                let factor = a[row][column]
                if factor != 0 { a[row] = zip(a[row], a[column]).map { $0 - factor * $1 } }
            }
        }
        return a.map { Array($0[n...]) }
    }
}
