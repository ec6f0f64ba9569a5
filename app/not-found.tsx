export default function NotFound() {
  return (
    <div className="m-auto max-w-md p-6 text-center">
      <h1 className="text-lg font-semibold">Chat not found</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">
        It may have been deleted, or it belongs to someone else.{" "}
        <a href="/" className="text-blue-700 underline dark:text-blue-400">
          Start a new chat
        </a>
        .
      </p>
    </div>
  );
}
