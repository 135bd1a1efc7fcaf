package qun_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestExamplesModule runs the tests of the examples module, so that
// `go test ./...` at the root of the repository tests both of its modules:
// in workspace mode the ./... pattern stops at module boundaries. It passes
// -race on when this test runs under the race detector, and -short.
func TestExamplesModule(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: runs the examples module's tests with the go command")
	}
	// A module zip leaves out nested modules: where qun is a dependency,
	// there is no examples module to test.
	if _, err := os.Stat(filepath.Join("examples", "go.mod")); err != nil {
		t.Skipf("no examples module here (%v): testing qun as a dependency", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to test the examples module: %v", err)
	}
	// Reading every file of the module, and the workspace file, lets go
	// test's cache see a change to any of them and run this test again.
	if _, err := os.ReadFile("go.work"); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	err = filepath.WalkDir("examples", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"test"}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "./...")
	cmd := exec.Command(goTool, args...)
	cmd.Dir = "examples"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %v in examples: %v\n%s", args, err, out)
	}
	t.Logf("go %v in examples:\n%s", args, out)
}
