package dev.typedrpc.processor;

import com.sun.source.util.Trees;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;

/** Whether an element comes from a source file of this compilation (rather than a class file). */
final class Sources {
  private Sources() {}

  static boolean isSource(ProcessingEnvironment env, Element element) {
    try {
      return Trees.instance(env).getPath(element) != null;
    } catch (IllegalArgumentException | LinkageError e) {
      return false; // not javac: unknown (the Filer still refuses to recreate a file)
    }
  }
}
