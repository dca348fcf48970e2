package io.litecomm.reliability;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A mutation of a litecomm file for {@link FileFuzzTest}: one to three edits, drawn from a seeded
 * {@code Random} and aimed at the format's fields (headers, counters, record lengths, tags and check
 * words) as much as at arbitrary bytes and at the file's length. Its {@link #toString()} says
 * exactly what was changed, so a failure can be replayed by hand.
 *
 * @param edits the edits, applied in order
 */
record FuzzMutation(List<Edit> edits) {

    /** One change to the bytes or the length of a file. */
    sealed interface Edit permits Put, Flip, Fill, Truncate, Append, Sparse {
    }

    /**
     * Stores a little-endian value of {@code width} bytes (1, 4 or 8) at {@code offset}.
     *
     * @param field the field name, for the report
     * @param offset where
     * @param width bytes
     * @param value the value (truncated to the width)
     */
    record Put(String field, int offset, int width, long value) implements Edit {
        @Override
        public String toString() {
            return "put(" + field + "@" + offset + "/" + width + "=" + value + ")";
        }
    }

    /**
     * Flips one bit.
     *
     * @param offset where
     * @param bit which bit, 0 to 7
     */
    record Flip(int offset, int bit) implements Edit {
        @Override
        public String toString() {
            return "flip(" + offset + "." + bit + ")";
        }
    }

    /**
     * Sets a range of bytes to one value.
     *
     * @param offset first byte
     * @param length bytes
     * @param value the byte
     */
    record Fill(int offset, int length, byte value) implements Edit {
        @Override
        public String toString() {
            return "fill(" + offset + "+" + length + "=" + value + ")";
        }
    }

    /**
     * Cuts the file.
     *
     * @param length the new length, shorter than the file
     */
    record Truncate(int length) implements Edit {
        @Override
        public String toString() {
            return "truncate(" + length + ")";
        }
    }

    /**
     * Appends real bytes.
     *
     * @param length how many
     * @param value each byte
     */
    record Append(int length, byte value) implements Edit {
        @Override
        public String toString() {
            return "append(" + length + "x" + value + ")";
        }
    }

    /**
     * Extends the file sparsely (no bytes written), possibly beyond 2 GiB.
     *
     * @param length the new length
     */
    record Sparse(long length) implements Edit {
        @Override
        public String toString() {
            return "sparse(" + length + ")";
        }
    }

    /**
     * A named field of a seed file.
     *
     * @param name for reports
     * @param offset byte offset in the file
     * @param width 1, 4 or 8
     */
    record Field(String name, int offset, int width) {
    }

    /**
     * The mutation's edits applied to a copy of the seed bytes (length changes included).
     *
     * @param seed the valid file
     * @return the mutated bytes, without sparse extension
     */
    byte[] apply(byte[] seed) {
        byte[] out = seed.clone();
        for (Edit edit : edits) {
            out = applyOne(out, edit);
        }
        return out;
    }

    /**
     * The length the file must be extended to after writing, or -1.
     *
     * @return the largest sparse length
     */
    long sparseLength() {
        return edits.stream().filter(Sparse.class::isInstance).mapToLong(e -> ((Sparse) e).length()).max().orElse(-1);
    }

    /**
     * Writes the mutated file.
     *
     * @param file where
     * @param seed the valid bytes
     * @return the mutated bytes as written (before any sparse extension)
     * @throws IOException on failure
     */
    byte[] writeTo(Path file, byte[] seed) throws IOException {
        byte[] bytes = apply(seed);
        Files.write(file, bytes);
        long sparse = sparseLength();
        if (sparse > bytes.length) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(sparse);
            }
        }
        return bytes;
    }

    /**
     * Whether the mutation changed anything in {@code [from, from + length)} of the seed.
     *
     * @param seed the valid bytes
     * @param mutated the mutated bytes
     * @param from first byte
     * @param length bytes
     * @return {@code true} if a byte differs or is missing
     */
    static boolean touches(byte[] seed, byte[] mutated, int from, int length) {
        int end = from + length;
        if (end > mutated.length) {
            return true;
        }
        return !Arrays.equals(seed, from, end, mutated, from, end);
    }

    private static byte[] applyOne(byte[] in, Edit edit) {
        if (edit instanceof Put put) {
            if (put.offset() + put.width() <= in.length) {
                ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
                switch (put.width()) {
                    case 1 -> b.put(put.offset(), (byte) put.value());
                    case 4 -> b.putInt(put.offset(), (int) put.value());
                    default -> b.putLong(put.offset(), put.value());
                }
            }
            return in;
        }
        if (edit instanceof Flip flip) {
            if (flip.offset() < in.length) {
                in[flip.offset()] ^= (byte) (1 << flip.bit());
            }
            return in;
        }
        if (edit instanceof Fill fill) {
            int from = Math.min(fill.offset(), in.length);
            Arrays.fill(in, from, Math.min(in.length, from + fill.length()), fill.value());
            return in;
        }
        if (edit instanceof Truncate truncate) {
            return Arrays.copyOf(in, Math.min(in.length, truncate.length()));
        }
        if (edit instanceof Append append) {
            byte[] out = Arrays.copyOf(in, in.length + append.length());
            Arrays.fill(out, in.length, out.length, append.value());
            return out;
        }
        return in;
    }

    @Override
    public String toString() {
        return edits.stream().map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * A random mutation of one seed file: one to three edits, aimed mostly at the format's fields.
     * The same {@code random} state gives the same mutation, so a trial's seed replays it.
     *
     * @param random the source of choices, seeded per trial
     * @param seed the valid bytes
     * @param fields the format's fields in this file (header, counters, record headers)
     * @param capacity the ring or slot size, for counter values a lap away
     * @param headerLength the format's header length, a favourite truncation point
     * @return the mutation
     */
    static FuzzMutation random(Random random, byte[] seed, List<Field> fields, int capacity, int headerLength) {
        List<Edit> edits = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            edits.add(edit(random, seed, fields, capacity, headerLength));
        }
        return new FuzzMutation(List.copyOf(edits));
    }

    /** One edit; the weights favour the format's fields over arbitrary bytes and lengths. */
    private static Edit edit(Random random, byte[] seed, List<Field> fields, int capacity, int headerLength) {
        int length = seed.length;
        int choice = random.nextInt(100);
        if (choice < 50) {
            Field f = pick(random, fields);
            return new Put(f.name(), f.offset(), f.width(), value(random, seed, f, capacity));
        }
        if (choice < 68) {
            int offset;
            if (random.nextInt(4) == 0) {
                offset = random.nextInt(length);
            } else {
                Field f = pick(random, fields);
                offset = f.offset() + random.nextInt(f.width());
            }
            return new Flip(offset, random.nextInt(8));
        }
        if (choice < 76) {
            long[] values = {0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 1L << 31, 0x7FFFFFFF7FFFFFFFL};
            return new Put("any", random.nextInt(length / 8) * 8, 8, values[random.nextInt(values.length)]);
        }
        if (choice < 86) {
            return new Fill(random.nextInt(length), 1 + random.nextInt(512), fillByte(random));
        }
        if (choice < 92) {
            int[] favourites = {0, 1, 8, headerLength - 1, headerLength, headerLength + 16, length - 1};
            return new Truncate(random.nextInt(3) == 0 ? favourites[random.nextInt(favourites.length)] : random.nextInt(length));
        }
        if (choice < 97) {
            return new Append(1 + random.nextInt(9000), fillByte(random));
        }
        long[] lengths = {(1L << 31) + 4096, (1L << 31) - 1, 1L << 32, length + 4096L, 2L * length};
        return new Sparse(lengths[random.nextInt(lengths.length)]);
    }

    private static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private static byte fillByte(Random random) {
        byte[] values = {0, -1, 0x7F, 0x10, 1};
        return values[random.nextInt(values.length)];
    }

    /** A value for a field: extremes, near the original, a record or lap away, or anything. */
    private static long value(Random random, byte[] seed, Field f, int capacity) {
        ByteBuffer b = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN);
        long original = f.width() == 8 ? b.getLong(f.offset()) : f.width() == 4 ? b.getInt(f.offset()) : b.get(f.offset());
        int choice = random.nextInt(13);
        if (choice < 4) {
            long[] extremes = {0L, -1L, 1L, 16L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE,
                1L << 31, 1L << 32, 0xFFFFFFFFL, 1L << 62, (1L << 63) | 16};
            return extremes[random.nextInt(extremes.length)];
        }
        if (choice < 8) {
            return original + random.nextInt(1025) - 512;
        }
        if (choice < 10) {
            long[] steps = {-16L, 16L, -32L, 32L, -48L, 48L};
            return original + steps[random.nextInt(steps.length)];
        }
        if (choice < 12) {
            return original + (long) (random.nextInt(7) - 3) * capacity;
        }
        return random.nextLong();
    }
}
