/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // PGlite loads its WASM and data files from its own package directory at run time: never bundle it.
  serverExternalPackages: ["@electric-sql/pglite"],
  // `npm test` type-checks the whole project before the browser tests build the app: they skip the build's
  // own, identical check (15 s on CI). Every other build checks.
  typescript: { ignoreBuildErrors: process.env.BUILD_SKIPS_TYPECHECK === "1" },
};

export default nextConfig;
