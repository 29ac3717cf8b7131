export default async (bytes: Uint8Array): Promise<number> => bytes.length;
