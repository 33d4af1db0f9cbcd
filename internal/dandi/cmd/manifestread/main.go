// Command manifestread streams an assets.jsonld manifest as dataplatforms_dandi_assets does
// and prints how many assets a path prefix keeps, then its own peak resident memory (VmHWM
// of /proc/self/status, in kB, on Linux). It exists for `make bench`, which compares its time
// and peak memory with python3's json.load of the same file: a process of its own, so that the
// figure is the reader's and not a test binary's. (A child's rusage peak is no good: it starts
// from the parent's, which the child shared until exec.)
//
//	manifestread <file> <path prefix>
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: manifestread <file> <path prefix>")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1]) //nolint:gosec // the file the caller names is the point
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer func() { _ = f.Close() }()
	prefix := os.Args[2]
	kept, err := dandi.ReadManifest(bufio.NewReaderSize(f, 1<<16), func(p string) bool { return dandi.UnderPrefix(p, prefix) })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1) //nolint:gocritic // the deferred close does not matter on exit
	}
	fmt.Println(len(kept))
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		fmt.Print(string(status))
	}
}
