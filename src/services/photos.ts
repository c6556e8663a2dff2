/** Photos the teacher picks, decoded for the face engine. */
import { m } from '../paraglide/messages';
import { ImageDecodeError } from '../core/errors';

/** Decodes a photo the teacher picked; a broken or unsupported file gives an `ImageDecodeError` naming it. */
export async function decodePhoto(file: File): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch (cause) {
    throw new ImageDecodeError(file.name, m.photo_unreadable({ name: file.name }), { cause });
  }
}
