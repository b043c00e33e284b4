/** What the server accepts (it decides by the bytes; this only filters the file chooser, drops and copied images). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
