package incentive

// Exported for the package's external tests.
var (
	DrawCoefficient = drawCoefficient
	DrawConstant    = drawConstant
)
