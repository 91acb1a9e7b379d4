"""`lando package`: the deploy zip and the checks that guard it."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

from support import MODULES, PYTHON, compile_library, lando, main, module

HAVE_PATCHELF = shutil.which("patchelf") is not None


def runpath(path):
    out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True,
                         text=True, check=True).stdout
    match = re.search(r"\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: "
                      r"\[(.*)\]", out)
    return match.group(1) if match else None


class Tmp(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="lando-package-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def package(self, so, *args):
        out = os.path.join(self.tmp, "out.zip")
        proc = lando("package", so, "-o", out, *args)
        return proc, out


class ExampleModules(Tmp):
    def test_hello_zip_holds_the_module_and_its_libraries(self):
        proc, out = self.package(module("hello"))
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        with zipfile.ZipFile(out) as z:
            names = z.namelist()
            modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
            z.extractall(os.path.join(self.tmp, "task"))
        self.assertIn("libhello.so", names)
        self.assertIn("lib/libjansson.so.4", names)
        for name in names:
            self.assertNotRegex(name, r"(^|/)(libc|libm|ld-linux[^/]*|"
                                r"libpthread|libgcc_s|libpython[^/]*)\.so")
            self.assertEqual(modes[name] & 0o777, 0o755, name)
        task = os.path.join(self.tmp, "task")
        self.assertEqual(runpath(os.path.join(task, "libhello.so")),
                         "$ORIGIN/lib")

    def test_the_zipped_module_loads_its_libraries_from_lib(self):
        proc, out = self.package(module("hello"))
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        task = os.path.join(self.tmp, "task")
        with zipfile.ZipFile(out) as z:
            z.extractall(task)
        # Import as the runtime does, then see which jansson got mapped.
        code = ("import sys; sys.path.insert(0, sys.argv[1]); "
                "import libhello; "
                "print(open('/proc/self/maps').read())")
        env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
        run = subprocess.run([PYTHON, "-c", code, task], capture_output=True,
                             text=True, env=env, cwd=self.tmp)
        self.assertEqual(run.returncode, 0, run.stderr)
        mapped = {line.split()[-1] for line in run.stdout.splitlines()
                  if "libjansson" in line}
        self.assertEqual(mapped,
                         {os.path.join(task, "lib", "libjansson.so.4")})

    def test_the_zip_is_the_same_byte_for_byte_when_built_twice(self):
        first, out = self.package(module("hello"))
        with open(out, "rb") as f:
            a = f.read()
        second, out = self.package(module("hello"))
        with open(out, "rb") as f:
            b = f.read()
        self.assertEqual(first.returncode, 0)
        self.assertEqual(a, b)

    def test_strip_drops_debug_information_from_the_copies(self):
        def has_debug(zip_path):
            task = os.path.join(self.tmp, "strip-task")
            shutil.rmtree(task, ignore_errors=True)
            with zipfile.ZipFile(zip_path) as z:
                z.extractall(task)
            out = subprocess.run(["readelf", "-S", "-W",
                                  os.path.join(task, "libhello.so")],
                                 capture_output=True, text=True).stdout
            return ".debug_info" in out

        proc, plain = self.package(module("hello"))
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        if not has_debug(plain):
            self.skipTest("the module was built without debug information")
        proc, stripped = self.package(module("hello"), "--strip")
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertFalse(has_debug(stripped))

    def test_every_built_module_passes_the_lambda_checks(self):
        if not os.path.isdir(MODULES):
            self.skipTest("no modules built in %s" % MODULES)
        names = sorted(n for n in os.listdir(MODULES) if n.endswith(".so"))
        self.assertTrue(names)
        for name in names:
            with self.subTest(module=name):
                proc, _ = self.package(os.path.join(MODULES, name))
                self.assertEqual(proc.returncode, 0, proc.stderr.decode())

    def test_the_default_output_is_libname_zip_in_the_current_directory(self):
        proc = lando("package", module("hello"), cwd=self.tmp)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertTrue(os.path.isfile(os.path.join(self.tmp,
                                                    "libhello.zip")))


def host_glibc():
    text = os.confstr("CS_GNU_LIBC_VERSION") or ""
    match = re.fullmatch(r"glibc (\d+)\.(\d+).*", text)
    return (int(match[1]), int(match[2])) if match else (0, 0)


# arc4random arrived in glibc 2.36; a library calling it needs that
# version, which no Lambda runtime has.
needs_new_glibc = unittest.skipUnless(
    host_glibc() >= (2, 36), "this glibc is older than 2.36 (arc4random)")

NEW_GLIBC = r"""
#include <stdint.h>
#include <stdlib.h>
uint32_t lando_test_random(void) { return arc4random(); }
"""

OLD_GLIBC = r"""
#include <string.h>
void lando_test_copy(char *d, const char *s, size_t n) { memcpy(d, s, n); }
"""


class GlibcCheck(Tmp):
    @needs_new_glibc
    def test_a_symbol_newer_than_glibc_2_26_fails_and_is_named(self):
        so = compile_library(self.tmp, "libnew.so", NEW_GLIBC)
        proc, out = self.package(so)
        err = proc.stderr.decode()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("arc4random@GLIBC_2.36", err)
        self.assertIn("newer than glibc 2.26", err)
        self.assertFalse(os.path.exists(out))

    @needs_new_glibc
    def test_the_limit_is_configurable(self):
        so = compile_library(self.tmp, "libnew.so", NEW_GLIBC)
        proc, out = self.package(so, "--max-glibc", "2.36")
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        proc, out = self.package(so, "--max-glibc", "2.35")
        self.assertNotEqual(proc.returncode, 0)

    def test_old_versioned_symbols_pass(self):
        so = compile_library(self.tmp, "libold.so", OLD_GLIBC)
        proc, out = self.package(so)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        with zipfile.ZipFile(out) as z:
            self.assertEqual(z.namelist(), ["libold.so"])

    @needs_new_glibc
    def test_a_shipped_library_is_checked_too(self):
        deps = os.path.join(self.tmp, "deps")
        os.mkdir(deps)
        compile_library(deps, "libnewdep.so", NEW_GLIBC,
                        ["-Wl,-soname,libnewdep.so"])
        so = compile_library(self.tmp, "libuser.so",
                             "unsigned lando_test_random(void);\n"
                             "unsigned f(void) { return lando_test_random(); }",
                             ["-L" + deps, "-lnewdep",
                              "-Wl,-rpath,$ORIGIN/lib"])
        proc, _ = self.package(so, "--lib-path", deps)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("libnewdep.so needs arc4random@GLIBC_2.36",
                      proc.stderr.decode())


class LibpythonCheck(Tmp):
    def test_a_module_linking_libpython_is_refused(self):
        stub = os.path.join(self.tmp, "stub")
        os.mkdir(stub)
        compile_library(stub, "libpython3.99.so", "int Py_Stub;\n",
                        ["-Wl,-soname,libpython3.99.so.1.0"])
        os.symlink("libpython3.99.so",
                   os.path.join(stub, "libpython3.99.so.1.0"))
        so = compile_library(self.tmp, "libembeds.so",
                             "extern int Py_Stub;\n"
                             "int f(void) { return Py_Stub; }\n",
                             ["-L" + stub, "-lpython3.99",
                              "-Wl,--no-as-needed"])
        for args in ((), ("--lib-path", stub)):
            proc, out = self.package(so, *args)
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn("libembeds.so links libpython3.99.so.1.0",
                          proc.stderr.decode())
            self.assertFalse(os.path.exists(out))


class Dependencies(Tmp):
    def chain(self, module_flags):
        """libtop.so -> libmid.so.1 -> libleaf.so.1, both in deps/."""
        deps = os.path.join(self.tmp, "deps")
        os.mkdir(deps)
        compile_library(deps, "libleaf.so.1", "int leaf(void) { return 1; }",
                        ["-Wl,-soname,libleaf.so.1"])
        os.symlink("libleaf.so.1", os.path.join(deps, "libleaf.so"))
        compile_library(deps, "libmid.so.1",
                        "int leaf(void);\nint mid(void) { return leaf(); }",
                        ["-Wl,-soname,libmid.so.1", "-L" + deps, "-lleaf"])
        os.symlink("libmid.so.1", os.path.join(deps, "libmid.so"))
        so = compile_library(self.tmp, "libtop.so",
                             "int mid(void);\nint top(void) { return mid(); }",
                             ["-L" + deps, "-lmid"] + module_flags)
        return deps, so

    def test_a_missing_library_is_named(self):
        deps, so = self.chain(["-Wl,-rpath,$ORIGIN/lib"])
        proc, _ = self.package(so)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot find libmid.so.1, needed by libtop.so",
                      proc.stderr.decode())

    def test_libraries_of_libraries_are_shipped(self):
        deps, so = self.chain(["-Wl,-rpath,$ORIGIN/lib"])
        proc, out = self.package(so, "--lib-path", deps)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        with zipfile.ZipFile(out) as z:
            self.assertEqual(sorted(z.namelist()),
                             ["lib/libleaf.so.1", "lib/libmid.so.1",
                              "libtop.so"])
            z.extractall(os.path.join(self.tmp, "task"))
        task = os.path.join(self.tmp, "task")
        self.assertEqual(runpath(os.path.join(task, "libtop.so")),
                         "$ORIGIN/lib")
        if HAVE_PATCHELF:
            self.assertEqual(runpath(os.path.join(task, "lib",
                                                  "libmid.so.1")), "$ORIGIN")
        # The unpacked task root loads with nothing else on the path.
        code = "import ctypes, sys; print(ctypes.CDLL(sys.argv[1]).top())"
        run = subprocess.run([PYTHON, "-c", code,
                              os.path.join(task, "libtop.so")],
                             capture_output=True, text=True)
        self.assertEqual((run.returncode, run.stdout.strip()), (0, "1"),
                         run.stderr)

    def test_without_run_path_or_patchelf_packaging_fails(self):
        deps, so = self.chain([])
        bin_dir = os.path.join(self.tmp, "bin")
        os.mkdir(bin_dir)
        for tool in ("readelf", "ldconfig"):
            found = shutil.which(tool) or shutil.which(tool, path="/sbin")
            if found:
                os.symlink(found, os.path.join(bin_dir, tool))
        proc = lando("package", so, "-o", os.path.join(self.tmp, "o.zip"),
                     "--lib-path", deps, env={"PATH": bin_dir})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("$ORIGIN/lib run path", proc.stderr.decode())

    @unittest.skipUnless(HAVE_PATCHELF, "patchelf is not installed")
    def test_patchelf_sets_the_run_path_when_the_link_did_not(self):
        deps, so = self.chain([])
        self.assertIsNone(runpath(so))
        proc, out = self.package(so, "--lib-path", deps)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        with zipfile.ZipFile(out) as z:
            z.extractall(os.path.join(self.tmp, "task"))
        self.assertEqual(runpath(os.path.join(self.tmp, "task",
                                              "libtop.so")), "$ORIGIN/lib")


class BadInput(Tmp):
    def test_a_file_that_is_not_elf_is_refused(self):
        path = os.path.join(self.tmp, "libtext.so")
        with open(path, "w") as f:
            f.write("not a library\n")
        proc, _ = self.package(path)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("is not an ELF file", proc.stderr.decode())

    def test_a_missing_file_is_refused(self):
        proc, _ = self.package(os.path.join(self.tmp, "libnone.so"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("libnone.so", proc.stderr.decode())


if __name__ == "__main__":
    main()
