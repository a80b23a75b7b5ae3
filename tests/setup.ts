// Quiets tfjs's "install tfjs-node" banner in Node test workers; we never use tfjs-node.
import * as tf from '@tensorflow/tfjs-core';

tf.enableProdMode();
