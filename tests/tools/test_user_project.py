"""A project of a user's own builds lando as a subdirectory.

This is what the README's "Write your own function" section promises: a
CMake project that only says add_subdirectory(lando) and
lando_add_module(myapi ...) gets an importable module, and its deploy
zip, without lando's own tests and examples.
"""

import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

import support

API = r"""
#include <lando/lando.h>

static lando_err_t
greet(lando_ctx_t *ctx, void *data)
{
    const char *who = lando_request_query_get(lando_req(ctx), "who");

    return lando_response_json(lando_res(ctx), 200,
                               json_pack("{s:s}", "hi", who ? who : "all"));
}

static lando_err_t
setup(lando_app_t *app)
{
    return lando_app_route(app, "GET", "/greet", greet, NULL);
}

LANDO_MODULE(myapi, setup)
"""

LISTS = """
cmake_minimum_required(VERSION 3.18)
project(myapi C)
add_subdirectory(lando)
lando_add_module(myapi SOURCES api.c)
"""


class UserProjectTest(unittest.TestCase):
    def setUp(self):
        if shutil.which("cmake") is None:
            self.skipTest("cmake is not installed")
        self.top = tempfile.mkdtemp(prefix="lando-user-")
        self.addCleanup(shutil.rmtree, self.top, True)
        os.symlink(support.SOURCE, os.path.join(self.top, "lando"))
        with open(os.path.join(self.top, "api.c"), "w") as f:
            f.write(API)
        with open(os.path.join(self.top, "CMakeLists.txt"), "w") as f:
            f.write(LISTS)

    def cmake(self, *args):
        done = subprocess.run(["cmake"] + list(args), cwd=self.top,
                              capture_output=True, text=True, timeout=600)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done

    def test_module_and_zip_build_from_a_project_of_its_own(self):
        build = os.path.join(self.top, "build")
        self.cmake("-S", ".", "-B", build, "-DCMAKE_BUILD_TYPE=Release")
        self.cmake("--build", build, "-j2", "--target", "libmyapi")
        self.cmake("--build", build, "--target", "myapi-zip")

        # lando's own suites stay out of a user's build.
        self.assertFalse(os.path.exists(os.path.join(build, "lando",
                                                     "tests")))

        so = os.path.join(build, "modules", "libmyapi.so")
        done = support.lando("invoke", so, "--request", "GET /greet?who=me",
                             "--body")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, b'{"hi":"me"}')

        with zipfile.ZipFile(os.path.join(build, "dist",
                                          "libmyapi.zip")) as z:
            names = z.namelist()
        self.assertIn("libmyapi.so", names)
        self.assertIn("lib/libjansson.so.4", names)


if __name__ == "__main__":
    unittest.main()
