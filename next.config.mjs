/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // PGlite loads its WASM and data files from its own package directory at run time: never bundle it.
  serverExternalPackages: ["@electric-sql/pglite"],
};

export default nextConfig;
