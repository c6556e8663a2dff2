/** Photos the teacher picks, decoded for the face engine. */
import { ImageDecodeError } from '../core/errors';

/** Decodes a photo the teacher picked; a broken or unsupported file gives an `ImageDecodeError` naming it. */
export async function decodePhoto(file: File): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch (cause) {
    throw new ImageDecodeError(
      file.name,
      `"${file.name}" could not be read as a picture (damaged, or not a JPEG/PNG/WebP photo). Pick another file.`,
      { cause },
    );
  }
}
