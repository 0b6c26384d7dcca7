// What a script or the web app sends to upload a project file, for the tests.

export interface UploadOptions {
  cookie?: string;
  /** An API token, sent as `Authorization: Bearer`. */
  token?: string;
  /** @defaultValue "application/octet-stream"; null sends none */
  contentType?: string | null;
}

/** An upload's answer: the status and the JSON body. */
export interface UploadAnswer {
  status: number;
  body: {
    file?: {
      id: string;
      path: string;
      latestVersion: {
        id: string;
        number: number;
        size: number;
        sha256: string;
        createdAt: string;
        downloadPath: string;
      };
    };
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/**
 * `PUT /projects/<projectId>/files?path=<path>` with `body`; a stream goes out chunked, without
 * a Content-Length.
 */
export async function uploadFile(
  url: string,
  projectId: string,
  path: string,
  body: Uint8Array | string | ReadableStream<Uint8Array>,
  options: UploadOptions = {},
): Promise<UploadAnswer> {
  const contentType =
    options.contentType === undefined ? "application/octet-stream" : options.contentType;
  const response = await fetch(
    `${url}/projects/${projectId}/files?path=${encodeURIComponent(path)}`,
    {
      method: "PUT",
      headers: {
        ...(contentType === null ? {} : { "content-type": contentType }),
        ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      },
      body,
      // Needed for a stream body; harmless for the others.
      duplex: "half",
    },
  );
  return { status: response.status, body: (await response.json()) as UploadAnswer["body"] };
}
