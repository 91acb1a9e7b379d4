"""The examples' SAM templates: cfn-lint, and that they deploy what the
build makes (handler and zip names of the example's own module)."""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from support import SOURCE, main

TEMPLATES = sorted(glob.glob(os.path.join(SOURCE, "examples", "*",
                                          "template.yaml")))


class Templates(unittest.TestCase):
    def test_there_is_a_template(self):
        self.assertTrue(TEMPLATES, "no examples/*/template.yaml")

    @unittest.skipUnless(shutil.which("cfn-lint"),
                         "cfn-lint is not installed; the SAM templates "
                         "were not linted")
    def test_cfn_lint_passes(self):
        for path in TEMPLATES:
            with self.subTest(template=os.path.relpath(path, SOURCE)):
                proc = subprocess.run(["cfn-lint", path],
                                      capture_output=True, text=True,
                                      timeout=120)
                self.assertEqual(proc.returncode, 0,
                                 proc.stdout + proc.stderr)

    @unittest.skipUnless(shutil.which("cfn-lint"),
                         "cfn-lint is not installed")
    def test_cfn_lint_catches_a_broken_template(self):
        with open(TEMPLATES[0]) as f:
            text = f.read()
        broken = re.sub(r"Runtime: \S+", "Runtime: python2.9", text)
        self.assertNotEqual(broken, text)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "template.yaml")
            with open(path, "w") as f:
                f.write(broken)
            proc = subprocess.run(["cfn-lint", path], capture_output=True,
                                  text=True, timeout=120)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("python2.9", proc.stdout)

    def test_the_handler_and_zip_are_the_examples_module(self):
        for path in TEMPLATES:
            directory = os.path.dirname(path)
            with open(os.path.join(directory, "CMakeLists.txt")) as f:
                name = re.search(r"lando_add_module\((\w+)", f.read())[1]
            with open(path) as f:
                text = f.read()
            with self.subTest(example=name):
                self.assertIn("Handler: lib%s.handler" % name, text)
                self.assertRegex(text, r"CodeUri: \S*/dist/lib%s\.zip"
                                 % name)
                self.assertRegex(text, r"Runtime: python3\.1[0-3]\b")


if __name__ == "__main__":
    main()
