package dev.fleet.core.internal.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An in-memory {@link Storage} that can lose power. Each file keeps the bytes it would have after a crash
 * (what was forced) beside what the process sees, and the writes since the last force; the directory keeps
 * its last synced state and the creates, renames and deletes since. {@link #cutPowerAt} makes the n-th
 * mutating operation, and every one after it, fail; {@link #afterPowerLoss} builds the disk a reboot would
 * find: forced bytes survive, and depending on the {@link Loss}, nothing, or a prefix of the unforced
 * writes (the last one possibly torn, followed by garbage or zeros), and a prefix of the unsynced
 * directory changes.
 *
 * <p>Thread-safe (one monitor): concurrent journal threads may use it.
 */
public final class SimulatedDisk implements Storage {

  /** What a power loss does to what was not yet forced. */
  public enum Loss {
    /** Every unforced byte and every unsynced directory change is gone. */
    DROP_UNFORCED,
    /** A random prefix of the unforced writes survives, the last of them cut at a random byte. */
    TORN_PREFIX,
    /** As {@link #TORN_PREFIX}, then random garbage to the end of the torn write's page. */
    TORN_GARBAGE,
    /** As {@link #TORN_PREFIX}, but the torn write's whole range reads as zeros (the size grew, the data not). */
    ZERO_TAIL
  }

  private static final int PAGE = 4096;

  /** A file's contents. */
  private static final class Inode {
    byte[] current = new byte[0];
    byte[] durable = new byte[0];
    /** Since the last force: {offset, bytes} writes, or a truncation as {size, null}. */
    final List<Object[]> unforced = new ArrayList<>();
  }

  private Map<String, Inode> directory = new HashMap<>();
  private Map<String, Inode> durableDirectory = new HashMap<>();
  /** Since the last directory sync: {"create"|"rename"|"delete", name, name2 or inode}. */
  private final List<Object[]> unsyncedDirectory = new ArrayList<>();

  private long operations;
  private long cutAt = Long.MAX_VALUE;
  private boolean dead;
  private long forces;
  private boolean locked;
  private String failNext;
  private volatile Runnable beforeEachForce = () -> {};

  /** The count of mutating operations so far (writes, forces, truncations, directory changes). */
  public synchronized long operations() {
    return operations;
  }

  /** How many times a file was forced. */
  public synchronized long forces() {
    return forces;
  }

  /** The {@code n}-th mutating operation from now on (1 = the next) fails, and so does everything after. */
  public synchronized void cutPowerAt(long n) {
    cutAt = operations + n;
  }

  /** The next operation of {@code kind} ("write", "force", "create", ...) throws, once; the disk stays up. */
  public synchronized void failNext(String kind) {
    failNext = kind;
  }

  /** Runs {@code hook} at the start of every force, outside the disk's monitor (to hold a leader there). */
  public void beforeEachForce(Runnable hook) {
    beforeEachForce = hook;
  }

  public synchronized boolean poweredOff() {
    return dead;
  }

  /** The disk a reboot finds: a new, powered, unlocked disk holding what survived. */
  public synchronized SimulatedDisk afterPowerLoss(Loss loss, Random random) {
    dead = true;
    Map<String, Inode> dir = new HashMap<>(durableDirectory);
    int keep = loss == Loss.DROP_UNFORCED ? 0 : random.nextInt(unsyncedDirectory.size() + 1);
    for (int i = 0; i < keep; i++) {
      Object[] op = unsyncedDirectory.get(i);
      switch ((String) op[0]) {
        case "create" -> dir.put((String) op[1], (Inode) op[2]);
        case "rename" -> {
          Inode moved = dir.remove((String) op[1]);
          if (moved != null) {
            dir.put((String) op[2], moved);
          }
        }
        default -> dir.remove((String) op[1]);
      }
    }
    SimulatedDisk next = new SimulatedDisk();
    Map<Inode, Inode> copies = new HashMap<>();
    for (Map.Entry<String, Inode> e : dir.entrySet()) {
      Inode copy = copies.computeIfAbsent(e.getValue(), old -> survivor(old, loss, random));
      next.directory.put(e.getKey(), copy);
    }
    next.durableDirectory = new HashMap<>(next.directory);
    return next;
  }

  private static Inode survivor(Inode old, Loss loss, Random random) {
    byte[] bytes = old.durable.clone();
    if (loss != Loss.DROP_UNFORCED && !old.unforced.isEmpty()) {
      int whole = random.nextInt(old.unforced.size() + 1);
      for (int i = 0; i < whole; i++) {
        bytes = apply(bytes, old.unforced.get(i), -1);
      }
      if (whole < old.unforced.size()) {
        Object[] torn = old.unforced.get(whole);
        if (torn[1] != null) {
          byte[] data = (byte[]) torn[1];
          int offset = (int) (long) (Long) torn[0];
          int kept = random.nextInt(data.length + 1);
          bytes = apply(bytes, torn, kept);
          if (loss == Loss.TORN_GARBAGE && kept < data.length) {
            int to = Math.min(data.length, ((offset + kept) / PAGE + 1) * PAGE - offset);
            byte[] garbage = new byte[to - kept];
            random.nextBytes(garbage);
            bytes = apply(bytes, new Object[] {(long) (offset + kept), garbage}, -1);
          } else if (loss == Loss.ZERO_TAIL) {
            bytes = apply(bytes, new Object[] {(long) offset, new byte[data.length]}, -1);
          }
        }
      }
    }
    Inode inode = new Inode();
    inode.current = bytes;
    inode.durable = bytes.clone();
    return inode;
  }

  /** Applies a write (its first {@code limit} bytes, all if negative) or a truncation. */
  private static byte[] apply(byte[] bytes, Object[] op, int limit) {
    long at = (Long) op[0];
    if (op[1] == null) {
      return Arrays.copyOf(bytes, (int) Math.min(at, bytes.length));
    }
    byte[] data = (byte[]) op[1];
    int n = limit < 0 ? data.length : limit;
    byte[] out = bytes.length < at + n ? Arrays.copyOf(bytes, (int) at + n) : bytes;
    System.arraycopy(data, 0, out, (int) at, n);
    return out;
  }

  /** Counts a mutating operation; throws if the power is off or a failure was injected for it. */
  private void operation(String kind) throws IOException {
    check();
    operations++;
    if (operations >= cutAt) {
      dead = true;
      throw new IOException("simulated power loss at operation " + operations + " (" + kind + ")");
    }
    if (kind.equals(failNext)) {
      failNext = null;
      throw new IOException("injected " + kind + " failure");
    }
  }

  private void check() throws IOException {
    if (dead) {
      throw new IOException("simulated disk has no power");
    }
  }

  @Override
  public synchronized List<String> list() throws IOException {
    check();
    return new ArrayList<>(directory.keySet());
  }

  @Override
  public synchronized StorageFile create(String name) throws IOException {
    operation("create");
    if (directory.containsKey(name)) {
      throw new IOException(name + " exists");
    }
    Inode inode = new Inode();
    directory.put(name, inode);
    unsyncedDirectory.add(new Object[] {"create", name, inode});
    return new File(inode);
  }

  @Override
  public synchronized StorageFile open(String name) throws IOException {
    check();
    Inode inode = directory.get(name);
    if (inode == null) {
      throw new java.nio.file.NoSuchFileException(name);
    }
    return new File(inode);
  }

  @Override
  public synchronized void rename(String from, String to) throws IOException {
    operation("rename");
    Inode inode = directory.remove(from);
    if (inode == null) {
      throw new java.nio.file.NoSuchFileException(from);
    }
    directory.put(to, inode);
    unsyncedDirectory.add(new Object[] {"rename", from, to});
  }

  @Override
  public synchronized void delete(String name) throws IOException {
    check();
    if (directory.containsKey(name)) {
      operation("delete");
      directory.remove(name);
      unsyncedDirectory.add(new Object[] {"delete", name, null});
    }
  }

  @Override
  public synchronized void syncDirectory() throws IOException {
    operation("syncDirectory");
    durableDirectory = new HashMap<>(directory);
    unsyncedDirectory.clear();
  }

  @Override
  public synchronized Closeable lock() throws IOException {
    check();
    if (locked) {
      throw new OverlappingFileLockException();
    }
    locked = true;
    return () -> {
      synchronized (SimulatedDisk.this) {
        locked = false;
      }
    };
  }

  /** A copy of what a file holds now, as the process sees it. */
  public synchronized byte[] contents(String name) {
    Inode inode = directory.get(name);
    if (inode == null) {
      throw new IllegalArgumentException("no file " + name + "; files: " + directory.keySet());
    }
    return inode.current.clone();
  }

  /** Replaces a file's bytes, durably: damage done while the power is off. */
  public synchronized void overwrite(String name, byte[] bytes) {
    Inode inode = directory.get(name);
    if (inode == null) {
      throw new IllegalArgumentException("no file " + name + "; files: " + directory.keySet());
    }
    inode.current = bytes.clone();
    inode.durable = bytes.clone();
    inode.unforced.clear();
  }

  @Override
  public String describe(String name) {
    return "sim:/" + name;
  }

  @Override
  public String describe() {
    return "sim:/";
  }

  private final class File implements StorageFile {
    private final Inode inode;

    File(Inode inode) {
      this.inode = inode;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      synchronized (SimulatedDisk.this) {
        check();
        if (position >= inode.current.length) {
          return -1;
        }
        int n = (int) Math.min(dst.remaining(), inode.current.length - position);
        dst.put(inode.current, (int) position, n);
        return n;
      }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      synchronized (SimulatedDisk.this) {
        operation("write");
        byte[] data = new byte[src.remaining()];
        src.get(data);
        Object[] op = {position, data};
        inode.current = apply(inode.current, op, -1);
        inode.unforced.add(op);
      }
    }

    @Override
    public void force() throws IOException {
      beforeEachForce.run();
      synchronized (SimulatedDisk.this) {
        operation("force");
        forces++;
        inode.durable = inode.current.clone();
        inode.unforced.clear();
      }
    }

    @Override
    public void truncate(long size) throws IOException {
      synchronized (SimulatedDisk.this) {
        operation("truncate");
        Object[] op = {size, null};
        inode.current = apply(inode.current, op, -1);
        inode.unforced.add(op);
      }
    }

    @Override
    public long size() throws IOException {
      synchronized (SimulatedDisk.this) {
        check();
        return inode.current.length;
      }
    }

    @Override
    public void close() {}
  }
}
